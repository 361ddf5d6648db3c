"""Test inputs shared by the corpus tests."""

SEED_000 = "000_c9d4eb58757d2b79.txt"
SEED_002 = "002_e01485644c3d8435.txt"

# Short news-like paragraphs; long enough for a confident language guess.
FOREIGN = {
    "ru": "Посол России в Пакистане заявил во вторник, что переговоры между Россией и Украиной "
    "продолжаются, несмотря на многочисленные трудности. По его словам, стороны обменялись "
    "пленными и договорились создать рабочую группу по вопросам прекращения огня.",
    "uk": "Посол заявив у вівторок, що переговори між сторонами тривають, незважаючи на численні "
    "труднощі. За його словами, сторони обмінялися полоненими та домовилися створити робочу "
    "групу з питань припинення вогню, яка підготує покроковий план.",
    "fr": "L'ambassadeur de Russie au Pakistan a déclaré mardi que les négociations entre la Russie "
    "et l'Ukraine se poursuivaient malgré de nombreuses difficultés. Selon lui, les deux parties "
    "ont échangé des prisonniers et convenu de créer un groupe de travail sur le cessez-le-feu.",
    "de": "Der russische Botschafter in Pakistan sagte am Dienstag, die Verhandlungen zwischen Russland "
    "und der Ukraine würden trotz zahlreicher Schwierigkeiten fortgesetzt. Nach seinen Worten "
    "haben beide Seiten Gefangene ausgetauscht und vereinbart, eine Arbeitsgruppe zu bilden.",
}
