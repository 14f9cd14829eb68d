"""German help for every column of the input workbook (its ``Hilfe`` sheet).

One table, keyed by (table, column): what the column means and an example
value. Whether a column is required and its format come from the layout
(:mod:`kaoa_match.io.cells`), so they cannot drift from what the reader
accepts. A column added to the layout without an entry here fails the tests.
"""

from __future__ import annotations

SHEET_HELP: dict[str, str] = {
    "schools": "Die Schulen des Kreises, eine Zeile je Schule.",
    "students": "Die Schülerinnen und Schüler, eine Zeile je Person (nur pseudonyme IDs).",
    "companies": "Betriebe und Bildungsträger, eine Zeile je Standort.",
    "offers": (
        "Die Plätze: eine Zeile je Angebot eines Betriebs oder Trägers in einem Berufsfeld. "
        "Ein Praxiskurs ist eine Zeile je Kurs (alle Tage von start_date bis end_date, die "
        "Teilnehmenden kommen an jedem Tag). Ein Langzeitpraktikum-Platz nennt die "
        "Wochentage, an denen der Betrieb Schüler*innen nimmt (weekdays)."
    ),
    "calendar": (
        "Wann welche Schule und Jahrgangsstufe BFE-Tage, das Praktikum, Praxiskurse oder "
        "das Langzeitpraktikum hat. Praxiskurs: eine Zeile mit dem Zeitraum, in dem die "
        "Kurse liegen, und der Zahl der Kurse je Person. Langzeitpraktikum: eine Zeile mit "
        "dem Zeitraum (meist das Schuljahr ab den Herbstferien), 1 oder 2 Tagen je Woche und "
        "den Wochentagen, an denen die Schule die Schüler*innen gehen lässt."
    ),
    "interests": "Interessen aus der Potenzialanalyse (oder dem Einstiegsinstrument).",
    "fields": "Die Berufsfelder; vorausgefüllt mit der eingebauten Liste.",
    "holidays": "Zusätzliche freie Tage (bewegliche Ferientage, Brückentage).",
    "travel": "Bekannte Fahrzeiten mit Bus und Bahn; sonst wird geschätzt.",
    "previous": "Ein früherer Plan, der möglichst erhalten bleiben soll.",
    "pairs": "Paare, die getrennt oder gemeinsam eingesetzt werden sollen.",
    "wishes": "Wünsche aus dem Buchungsportal, Rang 1 bis 5 je Schüler*in.",
    "participants": (
        "Wer an einem Praxiskurs oder am Langzeitpraktikum teilnimmt; das entscheidet die "
        "Schule mit der Schüler*in und den Eltern. BFE und Praktikum brauchen keine Liste: "
        "dafür ist jede Schüler*in eingeplant, deren Schule und Jahrgangsstufe eine Zeile im "
        "Blatt calendar hat. Diese Version liest und prüft Praxiskurse und "
        "Langzeitpraktikum, plant sie aber noch nicht ein."
    ),
    "priorities": (
        "Was dem Kreis bei der Planung am wichtigsten ist: die sieben Ziele in einer "
        "Reihenfolge, das wichtigste in der ersten Zeile. Der Plan wird Ziel für Ziel "
        "verbessert: erst das Ziel der ersten Zeile, so gut es geht, dann das der zweiten, "
        "ohne das erste zu verschlechtern, und so weiter.\n"
        "Eine Toleranz erlaubt einem Ziel, ein paar Prozent nachzugeben, damit die Ziele "
        "darunter besser werden. Interessenpunkte etwa gehen fast nie genau auf: ganz ohne "
        "Toleranz bliebe den Zielen darunter (Paare gemeinsam, kurze Wege) kaum etwas zu "
        "wählen.\n"
        "Blatt leer lassen: es gilt die Standardreihenfolge coverage, stability, fairness, "
        "wishes, together, interest (Toleranz 1 %), travel.\n"
        "Beispiel, Wünsche vor der Fairness und Interessen auf 2 % genau: coverage, "
        "stability, wishes, fairness, together, interest mit tolerance 2, travel."
    ),
}
"""What each sheet holds, in one sentence."""

HELP: dict[tuple[str, str], tuple[str, str]] = {
    # schools
    ("schools", "school_id"): ("Kennung der Schule, frei wählbar, eindeutig.", "SCH001"),
    ("schools", "name"): ("Name der Schule (nur für Listen und Bericht).", "Realschule Am Park"),
    ("schools", "school_type"): (
        "Schulform, z. B. Hauptschule, Realschule, Gesamtschule, Gymnasium, Förderschule; "
        "wird nur mit offers.school_types verglichen.",
        "Realschule",
    ),
    ("schools", "lat"): ("Breitengrad des Schulstandorts (WGS84).", "51.1218"),
    ("schools", "lon"): ("Längengrad des Schulstandorts (WGS84).", "7.9174"),
    ("schools", "max_travel_min"): (
        "Längste zumutbare Fahrzeit in Minuten für die Schüler*innen dieser Schule (leer: 45).",
        "60",
    ),
    # students
    ("students", "student_id"): (
        "Pseudonyme Kennung der Schülerin / des Schülers, eindeutig; keine Namen.",
        "S000001",
    ),
    ("students", "school_id"): ("Schule, eine school_id aus dem Blatt schools.", "SCH001"),
    ("students", "grade"): ("Jahrgangsstufe: 8 für die BFE, 9 für das Praktikum.", "8"),
    ("students", "birth_date"): (
        "Geburtsdatum; nur nötig, wenn Betriebe ein Mindestalter verlangen.",
        "22.02.2013",
    ),
    ("students", "home_lat"): (
        "Breitengrad der Wohnadresse (leer: die Fahrzeit wird ab der Schule geschätzt).",
        "51.1377",
    ),
    ("students", "home_lon"): ("Längengrad der Wohnadresse.", "7.8945"),
    ("students", "max_travel_min"): (
        "Längste Fahrzeit in Minuten für diese Person (leer: der Wert der Schule).",
        "30",
    ),
    ("students", "needs"): (
        "Merkmale, die ein Platz bieten muss, z. B. barrierefrei.",
        "barrierefrei",
    ),
    ("students", "qualifications"): (
        "Nachweise der Person, z. B. ifsg für die Infektionsschutz-Belehrung.",
        "ifsg",
    ),
    # companies
    ("companies", "company_id"): ("Kennung des Betriebs, eindeutig.", "C00001"),
    ("companies", "name"): ("Name des Betriebs.", "Metallbau Attendorn"),
    ("companies", "lat"): ("Breitengrad des Betriebs.", "51.0998"),
    ("companies", "lon"): ("Längengrad des Betriebs.", "7.8666"),
    ("companies", "provider_type"): (
        "betrieb (ein Unternehmen) oder traeger (Bildungsträger mit trägergestützten "
        "BFE-Plätzen, die Rückfallebene).",
        "betrieb",
    ),
    ("companies", "provides"): (
        "Was der Betrieb bietet, passend zu students.needs.",
        "barrierefrei",
    ),
    ("companies", "requires"): (
        "Was der Betrieb verlangt, passend zu students.qualifications.",
        "ifsg",
    ),
    ("companies", "min_age"): (
        "Mindestalter in ganzen Jahren am ersten Tag des Einsatzes.",
        "15",
    ),
    # offers
    ("offers", "offer_id"): ("Kennung des Angebots, eindeutig.", "O000001"),
    ("offers", "company_id"): ("Betrieb, eine company_id aus dem Blatt companies.", "C00001"),
    ("offers", "field_id"): ("Berufsfeld, eine field_id aus dem Blatt fields.", "metall"),
    ("offers", "kind"): (
        "bfe (Berufsfelderkundung, einzelne Tage), praktikum (Betriebspraktikum, ein Block), "
        "praxiskurs (Praxiskurs, meist 3 oder 5 Tage am Stück bei einem Träger oder Betrieb, "
        "Klasse 9 und 10) oder langzeit (Langzeitpraktikum, 1 oder 2 feste Wochentage über "
        "das Schuljahr).",
        "bfe",
    ),
    ("offers", "start_date"): ("Erster Tag, an dem das Angebot besteht.", "10.11.2026"),
    ("offers", "end_date"): ("Letzter Tag (leer bei bfe: nur der erste Tag).", "13.11.2026"),
    ("offers", "capacity"): (
        "Plätze: bei bfe je Tag, beim praktikum die meisten gleichzeitig anwesenden, beim "
        "praxiskurs die Teilnehmenden des Kurses, bei langzeit je Wochentag.",
        "2",
    ),
    ("offers", "grades"): ("Nur diese Jahrgangsstufen (leer: alle).", "8|9"),
    ("offers", "school_types"): ("Nur diese Schulformen (leer: alle).", "Gymnasium|Realschule"),
    ("offers", "min_group"): (
        "Nur bfe und praxiskurs: kleinste Gruppe, mit der der Platz an einem Tag (der Kurs) "
        "stattfindet (leer: 1).",
        "8",
    ),
    ("offers", "weekdays"): (
        "Nur langzeit, dort Pflicht: die Wochentage, an denen der Betrieb "
        "Langzeitpraktikant*innen nimmt (mo, di, mi, do, fr); bei anderen Arten leer lassen.",
        "di|do",
    ),
    # calendar
    ("calendar", "school_id"): ("Schule, eine school_id aus dem Blatt schools.", "SCH001"),
    ("calendar", "kind"): ("bfe, praktikum, praxiskurs oder langzeit.", "bfe"),
    ("calendar", "grade"): ("Jahrgangsstufe, für die die Zeile gilt.", "8"),
    ("calendar", "start_date"): (
        "bfe: ein möglicher Tag oder der erste eines Zeitraums; praktikum: Beginn des "
        "Praktikumsfensters; praxiskurs: Beginn des Zeitraums für die Kurse; langzeit: "
        "erster Tag des Langzeitpraktikums.",
        "10.11.2026",
    ),
    ("calendar", "end_date"): (
        "Letzter Tag des Zeitraums (leer bei bfe: nur der eine Tag).",
        "13.11.2026",
    ),
    ("calendar", "days"): (
        "bfe: Zahl der BFE-Tage je Person (leer: 3); praktikum: Länge des Blocks in "
        "Arbeitstagen (leer: 10); praxiskurs: Zahl der Kurse je Teilnehmer*in (leer: 1); "
        "langzeit: Tage je Woche, 1 oder 2 (leer: 1).",
        "3",
    ),
    ("calendar", "weekdays"): (
        "Nur langzeit: die Wochentage, an denen die Schule ihre Schüler*innen ins "
        "Langzeitpraktikum gehen lässt (leer: alle fünf); bei anderen Arten leer lassen.",
        "di|mi|do",
    ),
    # interests
    ("interests", "student_id"): ("Schüler*in, eine student_id aus dem Blatt students.", "S000001"),
    ("interests", "field_id"): ("Berufsfeld, eine field_id aus dem Blatt fields.", "it"),
    ("interests", "score"): ("Interesse von 0 (keins) bis 100; fehlende Zeile: 0.", "88"),
    # fields
    ("fields", "field_id"): ("Kennung des Berufsfelds, eindeutig.", "metall"),
    ("fields", "name"): ("Name des Berufsfelds.", "Metall, Maschinenbau"),
    # holidays
    ("holidays", "date"): ("Ein zusätzlicher freier Tag.", "12.02.2027"),
    ("holidays", "name"): ("Anlass (nur zur Erinnerung).", "beweglicher Ferientag"),
    # travel
    ("travel", "origin_id"): (
        "Von wo: eine student_id (ab Wohnung) oder eine school_id (ab Schule).",
        "SCH001",
    ),
    ("travel", "company_id"): ("Wohin: eine company_id.", "C00001"),
    ("travel", "minutes"): ("Fahrzeit Tür zu Tür in Minuten mit Bus und Bahn.", "25"),
    # previous
    ("previous", "student_id"): ("Schüler*in des früheren Plans.", "S000001"),
    ("previous", "school_id"): ("Schule (wie in assignments.csv).", "SCH001"),
    ("previous", "kind"): ("bfe, praktikum, praxiskurs oder langzeit.", "bfe"),
    ("previous", "offer_id"): ("Angebot des früheren Plans.", "O000004"),
    ("previous", "company_id"): ("Betrieb (wie in assignments.csv).", "C00003"),
    ("previous", "field_id"): ("Berufsfeld (wie in assignments.csv).", "metall"),
    ("previous", "start_date"): ("Erster Tag des Einsatzes.", "10.11.2026"),
    ("previous", "end_date"): ("Letzter Tag des Einsatzes.", "10.11.2026"),
    ("previous", "travel_min"): ("Fahrzeit in Minuten (wie in assignments.csv).", "25"),
    ("previous", "score"): ("Interesse (wie in assignments.csv).", "88"),
    ("previous", "weekdays"): (
        "Wochentage eines Langzeitpraktikums (wie in assignments.csv; sonst leer).",
        "di",
    ),
    ("previous", "status"): (
        "locked (muss bleiben) oder published (bekannt gegeben, möglichst behalten; leer: "
        "published).",
        "published",
    ),
    # pairs
    ("pairs", "student_a"): ("Erste Person des Paars, eine student_id.", "S000089"),
    ("pairs", "student_b"): ("Zweite Person des Paars, eine student_id.", "S000164"),
    ("pairs", "relation"): (
        "apart (nie am selben Tag im selben Betrieb) oder together (möglichst gemeinsam).",
        "apart",
    ),
    # wishes
    ("wishes", "student_id"): ("Schüler*in, eine student_id.", "S000001"),
    ("wishes", "rank"): ("Rang des Wunsches, 1 (am liebsten) bis 5, je Person einmal.", "1"),
    ("wishes", "offer_id"): ("Gewünschtes Angebot (genau eins der drei Felder füllen).", "O000004"),
    ("wishes", "company_id"): ("Gewünschter Betrieb (jedes seiner Angebote).", "C00003"),
    ("wishes", "field_id"): ("Gewünschtes Berufsfeld (jeder Platz darin).", "metall"),
    # participants
    ("participants", "student_id"): ("Schüler*in, eine student_id.", "S000001"),
    ("participants", "kind"): (
        "praxiskurs oder langzeit; wer an beidem teilnimmt, steht in zwei Zeilen.",
        "praxiskurs",
    ),
    # priorities
    ("priorities", "level"): (
        "Ein Ziel, jedes der sieben genau einmal, das wichtigste zuerst: coverage "
        "(möglichst viele Plätze besetzt), stability (veröffentlichte Einsätze bleiben), "
        "fairness (jede/r mindestens einmal in einem der drei liebsten Berufsfelder), wishes "
        "(Wünsche erfüllt), together (Paare gemeinsam im selben Betrieb), interest (Interessen "
        "insgesamt), travel (kurze Fahrzeiten).",
        "coverage",
    ),
    ("priorities", "tolerance"): (
        "Wie viel Prozent seines erreichten Werts das Ziel hergeben darf, damit die Ziele "
        "darunter besser werden (leer: 0, also nichts). interest mit 1: die Interessenpunkte "
        "bleiben bei mindestens 99 %.",
        "1",
    ),
}
"""(table, column) -> (what it means, an example value), in German."""
