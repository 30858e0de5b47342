"""The labelled matching set: adversarial but realistic HR / registry pairs, each with why a careful
person decides as labelled. `CASES` holds them all (the plain bulk from plain.py first)."""

from __future__ import annotations

import datetime as dt

from .model import APART, Case, case, emp, merge, offer, row
from .plain import plain_cases

BORN = dt.date(1988, 3, 14)

HARD: list[Case] = [
    # --- accents and transliterations -------------------------------------------------------------
    case("accents", "HR has the accents, the registry was typed on a US keyboard: same name, same person.",
         emp("José", "García", merge(), email="jose.garcia@acme.example"), row("Jose Garcia")),
    case("accents", "ü written as ue is the German spelling of the same letter.",
         emp("Jürgen", "Böhm", merge()), row("Juergen Boehm")),
    case("accents", "ü written without its dots: the usual ASCII rendering of the same name.",
         emp("Lukas", "Schäfer", merge()), row("Lukas Schafer")),
    case("accents", "HR dropped the umlaut, the registry kept it: same person either way round.",
         emp("Sören", "Mueller", merge()), row("Sören Müller")),
    case("accents", "Polish letters transliterated in the registry.",
         emp("Łukasz", "Żółć", merge()), row("Lukasz Zolc")),
    case("accents", "A diaeresis is no umlaut, but dropping it is the usual ASCII form: Zoë = Zoe.",
         emp("Zoë", "Laurent", merge()), row("Zoe Laurent")),
    case("accents", "Danish ø spelled out as oe (the Danish transliteration).",
         emp("Søren", "Kjær", merge()), row("Soeren Kjaer")),
    case("accents", "Vietnamese diacritics dropped in the registry.",
         emp("Nguyễn", "Văn An", merge()), row("Nguyen Van An")),
    case("accents", "Cyrillic in HR, a Latin transliteration in the registry; the employee number agrees and the "
                    "transliteration is close: merge.",
         emp("Дмитрий", "Иванов", merge(), unique_identifier="E5001"),
         row("Dmitry Ivanov", unique_identifier="E5001")),
    case("accents", "Chloe is not Chlo: plain ASCII letters are never folded. Two people — a review may show "
                    "the registry's Chlo, a merge would be wrong.",
         emp("Chloe", "Bernard", APART), row("Chlo Bernard")),
    case("accents", "Samuel is not Samul (a different given name in the registry): never merged.",
         emp("Samuel", "Oduya", APART), row("Samul Oduya")),
    case("accents", "Raphael is not Raphał: ae is no umlaut spelling and ł is an l. A different person.",
         emp("Raphael", "Nowak", APART), row("Raphał Nowak")),
    case("accents", "Turkish Ç and ş dropped in the registry.",
         emp("Çağla", "Şahin", merge()), row("Cagla Sahin")),
    case("accents", "Norwegian ø dropped to o in the registry.",
         emp("Martin", "Ødegaard", merge()), row("Martin Odegaard")),
    case("accents", "Swedish å spelled out as aa.",
         emp("Åsa", "Lindgren", merge()), row("Aasa Lindgren")),
    case("accents", "HR wrote ü as u plus a combining diaeresis (macOS, some exports): still ü, so Mueller is the "
                    "same name.", emp("Anna", "Mu\u0308ller", merge()), row("Anna Mueller")),
    case("accents", "王伟 and 汪玮 are both Wang Wei in pinyin, but different characters: a different name (a review "
                    "may show it, never a merge).", emp("伟", "王", APART), row("汪玮")),
    case("accents", "张伟 and 章伟 sound alike but are written differently: different people.",
         emp("伟", "张", APART), row("章伟")),
    case("accents", "The same Han characters, given name and family name in HR's fields: the same name.",
         emp("秀英", "李", merge()), row("李秀英")),
    case("accents", "Müller and Miller are different families: a different person (a review may show it).",
         emp("Ralph", "Müller", APART), row("Ralph Miller")),

    case("accents", "Cyrillic in HR, the usual English spelling in the registry: Юлия is Yulia (unidecode writes "
                    "Iuliia, anyascii Yuliya). A transliteration follows one of several conventions, so it is no "
                    "proof: offer.",
         emp("Юлия", "Смирнова", offer()), row("Yulia Smirnova")),
    case("accents", "Евгений is written Evgeniy, Evgenii or Yevgeny: the same name by other conventions; offer.",
         emp("Евгений", "Попов", offer()), row("Yevgeny Popov")),
    case("accents", "The other way round: the registry was typed in Cyrillic, HR has the Latin spelling: offer.",
         emp("Alexey", "Kuznetsov", offer()), row("Алексей Кузнецов")),

    # --- particles and double-barrelled surnames -------------------------------------------------------
    case("particles", "Particles capitalised differently and the name shown last-comma-first: same words.",
         emp("Jan", "van der Berg", merge()), row("Van Der Berg, Jan")),
    case("particles", "Vanderbeek written together in HR, apart in the registry: very likely the same person, "
                      "but spacing changes are also how different families spell: offer it.",
         emp("Pieter", "Vanderbeek", offer()), row("Pieter van der Beek")),
    case("particles", "El-Amin hyphenated in the registry, Elamin in HR: offer.",
         emp("Omar", "Elamin", offer()), row("Omar El-Amin")),
    case("particles", "A double first name written together: offer.",
         emp("Annmarie", "Walsh", offer()), row("Ann Marie Walsh")),
    case("particles", "A hyphen and a space separate the same two surnames.",
         emp("Eva", "Meier-Schmidt", merge()), row("Eva Meier Schmidt")),
    case("particles", "Spanish double surname; the registry has only the first one: offer.",
         emp("Ana", "García López", offer()), row("Ana García")),
    case("particles", "de la Cruz written as one word in the registry: offer.",
         emp("Miguel", "de la Cruz", offer()), row("Miguel Delacruz")),
    case("particles", "An apostrophe dropped: O'Brien = OBrien.",
         emp("Sean", "O'Brien", merge()), row("Sean OBrien")),
    case("particles", "A married double name in HR; the number and the first surname agree: merge.",
         emp("Katrin", "Schmidt-Weber", merge(), unique_identifier="E5002"),
         row("Katrin Schmidt", unique_identifier="E5002")),
    case("particles", "The particle left out in the registry: offer.",
         emp("Maria", "von Trapp", offer()), row("Maria Trapp")),

    # --- initials ----------------------------------------------------------------------------------------
    case("initials", "The registry has an initial for the first name: most likely the same person, but K. "
                     "could be anyone: offer.",
         emp("Kenji", "Tanaka", offer()), row("K. Tanaka")),
    case("initials", "Two initials in the registry, both fitting: offer.",
         emp("John", "Morgan", offer(), middle_name="Pierpont"), row("J. P. Morgan")),
    case("initials", "A middle initial in the registry, the full middle name in HR: offer.",
         emp("Ruth", "Adler", offer(), middle_name="Miriam"), row("Ruth M. Adler")),
    case("initials", "Initials that do not fit (L. is not Kenji): a different person.",
         emp("Haruto", "Mori", APART), row("L. Mori")),

    case("initials", "Initials written together (\"JR\") for the first and middle name HR holds apart: "
                     "most likely the same person, but only an approver can tell: offer.",
         emp("John", "Tolkien", offer(), middle_name="Ronald"), row("JR Tolkien")),
    case("initials", "\"HP\" for the double first name Hans-Peter: offer.",
         emp("Hans-Peter", "Kessel", offer()), row("HP Kessel")),

    # --- nicknames (a curated dataset) -------------------------------------------------------------------------
    case("nicknames", "Ted is a common nickname of Edward: offer.", emp("Edward", "Lynch", offer()), row("Ted Lynch")),
    case("nicknames", "Peggy is a nickname of Margaret: offer.", emp("Margaret", "Olson", offer()),
         row("Peggy Olson")),
    case("nicknames", "Jack is a nickname of John: offer.", emp("Jack", "Ryan", offer()), row("John Ryan")),
    case("nicknames", "Bill for William: offer.", emp("William", "Hartley", offer()), row("Bill Hartley")),
    case("nicknames", "Liz for Elizabeth: offer.", emp("Elizabeth", "Crane", offer()), row("Liz Crane")),
    case("nicknames", "Mike for Michael: offer.", emp("Michael", "Dunn", offer()), row("Mike Dunn")),
    case("nicknames", "HR's preferred name is what the registry uses: offer (the company does not sync "
                      "preferred names).",
         emp("Robert", "Kline", offer(), preferred_name="Bobby"), row("Bobby Kline")),
    case("nicknames", "Alex is short for Alexander: offer.", emp("Alexander", "Petersen", offer()),
         row("Alex Petersen")),
    case("nicknames", "Michael is not Michal (a Czech or Polish given name): a different person.",
         emp("Michael", "Svoboda", APART), row("Michal Svoboda")),

    case("nicknames", "Kathi is the German diminutive of Katharina (the English dataset does not know it); both "
                      "begin with the same four letters: offer.",
         emp("Kathi", "Brandl", offer()), row("Katharina Brandl")),

    # --- typos -------------------------------------------------------------------------------------------------
    case("typos", "One letter missing in the registry's surname: offer.",
         emp("Sabine", "Hartmann", offer()), row("Sabine Hartman")),
    case("typos", "Two letters swapped in the first name: offer.",
         emp("Andreas", "Kolb", offer()), row("Andraes Kolb")),
    case("typos", "A typo in the first and in the last name: still offered.",
         emp("Jon", "Smit", offer()), row("John Smith")),
    case("typos", "Swapped letters in both names: still offered.",
         emp("Jhon", "Bakre", offer()), row("John Baker")),
    case("typos", "A typo, but the employee number agrees: merge (and the update fixes the name).",
         emp("Gabriele", "Fischer", merge(), unique_identifier="E5003"),
         row("Gabriele Fisher", unique_identifier="E5003")),
    case("typos", "The number agrees but the row is Daniela, not Daniel: a feminine form is another given name, "
                  "so the number was reused or mistyped: never merged.",
         emp("Daniel", "Weber", APART, unique_identifier="E5026"), row("Daniela Weber", unique_identifier="E5026")),
    case("typos", "Paula is not Paul (the number agrees, the given name does not): never merged.",
         emp("Paul", "Schmitz", APART, unique_identifier="E5027"), row("Paula Schmitz", unique_identifier="E5027")),
    case("typos", "Jana is not Jan: never merged on the number alone.",
         emp("Jan", "Novak", APART, unique_identifier="E5028"), row("Jana Novak", unique_identifier="E5028")),
    case("typos", "Mark and Mary are one letter apart but both common given names: another person.",
         emp("Mark", "Klein", APART, unique_identifier="E5029"), row("Mary Klein", unique_identifier="E5029")),
    case("typos", "Micheal is a misspelling of Michael (the same nicknames: Mike); the number agrees: merge.",
         emp("Michael", "Berger", merge(), unique_identifier="E5030"), row("Micheal Berger", unique_identifier="E5030")),
    case("typos", "Meier and Maier are different families, not a typo: a different person.",
         emp("Thomas", "Meier", APART, unique_identifier="E5004"), row("Thomas Maier")),

    case("typos", "Two spellings that sound alike in each name (f/ph, ai/ei): offer, never merge — Meier and Maier "
                  "may be two families, so only an approver decides.",
         emp("Stefan", "Maier", offer()), row("Stephan Meier")),
    case("typos", "K/Ch at the start and a single l: Kristina Müler sounds like Christina Müller: offer.",
         emp("Kristina", "Müler", offer()), row("Christina Müller")),

    # --- marriage name changes ----------------------------------------------------------------------------
    case("marriage", "New surname, same number, same first name and same e-mail: merge (the update writes "
                     "the new surname).",
         emp("Julia", "Weber", merge(), unique_identifier="E5005", email="julia.k@acme.example"),
         row("Julia Keller", unique_identifier="E5005", email="julia.k@acme.example")),
    case("marriage", "New surname, same number, same first name and birth date: merge.",
         emp("Sarah", "Lang", merge(), unique_identifier="E5006", birth_date=BORN),
         row("Sarah Roth", unique_identifier="E5006", birth_date=BORN)),
    case("marriage", "New surname and the same number, nothing else: a reused number looks just like this, "
                     "so an approver confirms.",
         emp("Nicole", "Berger", offer(), unique_identifier="E5007"),
         row("Nicole Hahn", unique_identifier="E5007")),
    case("marriage", "No number, new surname, but the same e-mail address: offer.",
         emp("Laura", "Franke", offer(), email="laura.w@acme.example"),
         row("Laura Winter", email="laura.w@acme.example")),
    case("marriage", "Double name after marriage, no number: offer.",
         emp("Petra", "Schulze-Neumann", offer()), row("Petra Neumann")),

    # --- name order ----------------------------------------------------------------------------------------------
    case("name order", "Japanese order in the registry.", emp("Kaito", "Yamamoto", merge()), row("Yamamoto Kaito")),
    case("name order", "Hungarian order in the registry.", emp("Béla", "Nagy", merge()), row("Nagy Béla")),
    case("name order", "First and last name swapped in HR's fields.", emp("Wong", "Kar Wai", merge()),
         row("Kar Wai Wong")),
    case("name order", "Upper case and a comma in the registry.", emp("Lisa", "Brenner", merge()),
         row("BRENNER, LISA")),

    # --- namesakes told apart by e-mail or number ------------------------------------------------------
    case("namesakes", "Two Maria Schneiders in HR and in the registry; the numbers pair them.",
         [emp("Maria", "Schneider", merge(0), unique_identifier="E5008"),
          emp("Maria", "Schneider", merge(1), unique_identifier="E5009")],
         [row("Maria Schneider", unique_identifier="E5008"), row("Maria Schneider", unique_identifier="E5009")]),
    case("namesakes", "Two Thomas Wagners without numbers; their e-mail addresses pair them.",
         [emp("Thomas", "Wagner", merge(0), email="thomas.wagner@acme.example"),
          emp("Thomas", "Wagner", merge(1), email="t.wagner@acme.example")],
         [row("Thomas Wagner", email="thomas.wagner@acme.example"),
          row("Thomas Wagner", email="t.wagner@acme.example")]),
    case("namesakes", "Two Peter Schulz rows; the e-mail picks one, the other is another Peter Schulz.",
         emp("Peter", "Schulz", merge(1), email="peter.schulz@acme.example"),
         [row("Peter Schulz", email="p.schulz@other.example"), row("Peter Schulz", email="peter.schulz@acme.example")]),
    case("namesakes", "Two David Kims and nothing to tell them apart: only an approver can.",
         emp("David", "Kim", offer(0)), [row("David Kim"), row("David Kim")]),
    case("namesakes", "One employee number picks one Anna Fischer; the other Anna Fischer is then the only "
                      "candidate for the second employee, hand-made in the Employees group: merge both.",
         [emp("Anna", "Fischer", merge(0), unique_identifier="E5010"), emp("Anna", "Fischer", merge(1))],
         [row("Anna Fischer", unique_identifier="E5010"), row("Anna Fischer")]),

    case("namesakes", "Father and son: HR's Karl Huber carries no suffix, so either row could be his.",
         emp("Karl", "Huber", offer(0)), [row("Karl Huber"), row("Karl Huber Jr.")]),
    case("namesakes", "The e-mail ties the namesakes even in other letter case.",
         emp("Elena", "Popa", merge(1), email="Elena.Popa@ACME.example"),
         [row("Elena Popa", email="elena.p@acme.example"), row("Elena Popa", email="elena.popa@acme.example")]),
    case("namesakes", "HR lists the same person twice (the old record terminated, a new one active), both "
                      "claiming one hand-made row: an approver decides which record it links to.",
         [emp("Bernhard", "Lutz", offer(0), left=True), emp("Bernhard", "Lutz", offer(0))], row("Bernhard Lutz")),

    # --- investors, advisors, founders with an employee's name -------------------------------------------------
    case("unmanaged groups", "The only Nina Brandt in the registry is an investor: nothing says she is the new "
                             "employee. Never merge into an investor row.",
         emp("Nina", "Brandt", APART), row("Nina Brandt", group="Investors")),
    case("unmanaged groups", "One Tom Becker row in Employees (the e-mail confirms it) and one investor Tom "
                             "Becker: the second HR Tom Becker must not fall into the investor row.",
         [emp("Tom", "Becker", merge(0), email="tom.becker@acme.example"), emp("Tom", "Becker", APART)],
         [row("Tom Becker", email="tom.becker@acme.example"), row("Tom Becker", group="Investors")]),
    case("unmanaged groups", "An advisor who now joined as an employee (same e-mail): the same person, but the "
                             "sync never writes into an advisor's row by itself.",
         emp("Helena", "Voss", offer(), email="helena.voss@acme.example"),
         row("Helena Voss", group="Advisors", email="helena.voss@acme.example")),
    case("unmanaged groups", "A founder with a personal row; the founder is on the payroll too: offer only.",
         emp("Jonas", "Keller", offer(), birth_date=BORN), row("Jonas Keller", group="Founders", birth_date=BORN)),
    case("unmanaged groups", "A terminated employee never imported, with an investor namesake: no leaver is "
                             "proposed on the investor.",
         emp("Klara", "Wendt", APART, left=True), row("Klara Wendt", group="Investors")),
    case("unmanaged groups", "The employee number was put on an investor row by mistake: never a merge.",
         emp("Ralf", "Otto", APART, unique_identifier="E5011"), row("Ralf Otto Holding", group="Investors",
                                                                     unique_identifier="E5011")),

    case("unmanaged groups", "A terminated employee whose number sits on an investor row: no leaver, no merge.",
         emp("Uwe", "Kern", APART, unique_identifier="E5023", left=True),
         row("Uwe Kern", group="Investors", unique_identifier="E5023")),

    # --- reused and mistyped identifiers ----------------------------------------------------------------------
    case("reused identifiers", "E5012 sits on Carl Gauss, who is not Ada Lovelace: a reused or mistyped "
                               "number. Ada's own row carries no number: offer it (with Carl's).",
         emp("Ada", "Lovelace", offer(1), unique_identifier="E5012"),
         [row("Carl Gauss", unique_identifier="E5012"), row("Ada Lovelace")]),
    case("reused identifiers", "A mistyped number lands on a stranger, and Greta has no row of her own: "
                               "never merge into the stranger.",
         emp("Greta", "Lund", APART, unique_identifier="E5013"), row("Emil Vogt", unique_identifier="E5013")),
    case("reused identifiers", "The number of a long-gone ex-employee, linked to their old HR record, given to a "
                               "new hire: the new hire is not that person.",
         emp("Sara", "Yilmaz", APART, unique_identifier="E5014"),
         row("Klaus Richter", link="old", group="Ex-employee", unique_identifier="E5014")),
    case("reused identifiers", "A close name on the number's row (John/Jon) while an exact Jon Ellis row exists "
                               "elsewhere: conflicting evidence, offer both.",
         emp("Jon", "Ellis", offer(1), unique_identifier="E5015"),
         [row("John Ellis", unique_identifier="E5015"), row("Jon Ellis")]),

    # --- rehires -------------------------------------------------------------------------------------------------
    case("rehires", "Rehired under the same HR record: the link holds and the row goes back to Employees.",
         emp("Ute", "Marquardt", merge(), unique_identifier="E5016"),
         row("Ute Marquardt", link=0, group="Ex-employee", unique_identifier="E5016",
             first_name="Ute", last_name="Marquardt")),
    case("rehires", "Rehired under a new HR record with the old number; the old row is linked to the old record: "
                    "an approver moves the link.",
         emp("Bernd", "Kranz", offer(), unique_identifier="E5017"),
         row("Bernd Kranz", link="old", group="Ex-employee", unique_identifier="E5017")),
    case("rehires", "Rehired with a new number; the old hand-made row sits in Ex-employee (a group the sync "
                    "manages): the name merges and the row returns to Employees.",
         emp("Irene", "Castell", merge(), unique_identifier="E5018"), row("Irene Castell", group="Ex-employee")),
    case("rehires", "Left again: the linked row is proposed for the ex-employee group.",
         emp("Gunnar", "Holm", merge(), unique_identifier="E5019", left=True),
         row("Gunnar Holm", link=0, unique_identifier="E5019", first_name="Gunnar", last_name="Holm")),

    case("rehires", "Rehired under a new HR record without a number; the old row is still linked to the old record "
                    "and sits in Ex-employee. A rehire or a duplicate record: an approver decides — offer, never a "
                    "silent second row.",
         emp("Lothar", "Brenninger", offer()), row("Lothar Brenninger", link="old", group="Ex-employee")),
    case("rehires", "The company moved from another HR system: the row is linked to the other system's record. The "
                    "same name is most likely the same person, but the link is not ours to move: offer.",
         emp("Hanne", "Vogelsang", offer()),
         row("Hanne Vogelsang", hr_provider="personio", hr_remote_id="p-5101")),
    case("rehires", "A namesake still employed, whose own record is in this fetch, keeps his row: the new hire with "
                    "the same name is another person, and that row is nobody else's candidate.",
         [emp("Kurt", "Albers", merge(), unique_identifier="E5091"), emp("Kurt", "Albers", APART)],
         row("Kurt Albers", link=0, unique_identifier="E5091", first_name="Kurt", last_name="Albers")),

    # --- invisible characters -----------------------------------------------------------------------------------
    case("invisible", "A zero-width space pasted into HR's first name.",
         emp("Ma\u200brkus", "Engel", merge()), row("Markus Engel")),
    case("invisible", "A soft hyphen inside the surname.",
         emp("Tanja", "Rosen\u00adthal", merge()), row("Tanja Rosenthal")),
    case("invisible", "A no-break space between two first names.",
         emp("Anna\u00a0Lena", "Busch", merge()), row("Anna Lena Busch")),
    case("invisible", "A byte-order mark and a word joiner left from a CSV import.",
         emp("\ufeffOtto", "Reiter\u2060", merge()), row("Otto Reiter")),
    case("invisible", "A no-break space after the employee number.",
         emp("Wiebke", "Janssen", merge(), unique_identifier="E5024\u00a0"),
         row("Wiebke Janssen", unique_identifier="E5024")),

    # --- titles and suffixes --------------------------------------------------------------------------------------
    case("titles", "The registry shows the doctorate; the name is the same.",
         emp("Hans", "Albrecht", merge()), row("Dr. Hans Albrecht")),
    case("titles", "Two academic titles in the registry.", emp("Ingeborg", "Wirth", merge()),
         row("Prof. Dr. Ingeborg Wirth")),
    case("titles", "A generational suffix in the registry only: Martin Cole Jr. may be the son of the Martin Cole "
                   "in HR, so an approver confirms.", emp("Martin", "Cole", offer()), row("Martin Cole Jr.")),
    case("titles", "Sr. and Jr. are father and son: two people, never merged into each other's row.",
         emp("Konrad", "Huber Sr.", APART), row("Konrad Huber Jr.")),
    case("titles", "Henry Ford III is not Henry Ford II (grandson and son).",
         emp("Henry", "Ford III", APART), row("Henry Ford II")),
    case("titles", "HR's son carries Jr.; the registry has the father (Sr.) and the son (Jr., shown last name "
                   "first): the son's row, without asking.",
         emp("Lars", "Brandt Jr.", merge(1)), [row("Lars Brandt Sr."), row("Brandt Jr., Lars")]),
    case("titles", "The same number, but the row is the son's (Jr.) and HR's record has no suffix: father or son "
                   "re-using a number, or the son without his suffix: an approver decides.",
         emp("Otto", "Kranich", offer(), unique_identifier="E5025"),
         row("Otto Kranich Jr.", unique_identifier="E5025")),
    case("titles", "A doctorate written without its period (Dr) is still a title, not a name.",
         emp("Helga", "Brandl", merge()), row("Dr Helga Brandl")),
    case("titles", "An English registry writes Mr without a period.", emp("John", "Whitfield", merge()),
         row("Mr John Whitfield")),
    case("titles", "The German engineering degree, Dipl.-Ing., before the name.", emp("Gerd", "Albers", merge()),
         row("Dipl.-Ing. Gerd Albers")),
    case("titles", "A degree after the name in HR's surname field.", emp("Leila", "Farouk, PhD", merge()),
         row("Leila Farouk")),
    case("titles", "Graf is a surname here (the registry shows last name first), not a count's title.",
         emp("Sebastian", "Graf", merge(), middle_name="Paul"), row("Graf Sebastian Paul")),

    case("titles", "A suffix in HR's surname field, none in the registry: the registry's Arthur Pym may be the "
                   "father, so an approver confirms.", emp("Arthur", "Pym Jr.", offer()), row("Arthur Pym")),

    # --- identifier formats ---------------------------------------------------------------------------------------
    case("identifier formats", "The same number in lower case: identifiers compare without case.",
         emp("Carla", "Benz", merge(), unique_identifier="e5020"), row("Carla Benz", unique_identifier="E5020")),
    case("identifier formats", "A spreadsheet dropped the leading zeros: only an approver may accept that.",
         emp("Detlef", "Moll", offer(), unique_identifier="005021"), row("Detlef Moll", unique_identifier="5021")),
    case("identifier formats", "Surrounding spaces in the registry's number.",
         emp("Edith", "Sommer", merge(), unique_identifier="E5022"), row("Edith Sommer", unique_identifier=" E5022 ")),

    case("identifier formats", "HR's 0077 is the registry's 77 only without the zeros, and that row is Emil "
                               "Vogt's; Rainer Stock's own row has no number. The number was mistyped or re-padded: "
                               "his exact-name row is the likelier one, and both are offered.",
         emp("Rainer", "Stock", offer(1), unique_identifier="0077"),
         [row("Emil Vogt", unique_identifier="77"), row("Rainer Stock")]),

    # --- middle names -----------------------------------------------------------------------------------------------
    case("middle names", "The middle name, held in its own field in HR, is part of the registry's name.",
         emp("Paul", "Richter", merge(), middle_name="Georg"), row("Paul Georg Richter")),
    case("middle names", "HR has a middle name the registry never recorded.",
         emp("Ines", "Kramer", merge(), middle_name="Sophie"), row("Ines Kramer")),
    case("middle names", "With the middle name the name is one row, without it another: the full name is "
                         "likelier, but only an approver can tell.",
         emp("Luisa", "Moreno", offer(1), middle_name="Isabel"), [row("Luisa Moreno"), row("Luisa Isabel Moreno")]),
    case("middle names", "HR's Paul Georg Richter: one row is Paul Richter, the other Paul G. Richter (G. fits "
                         "Georg): the full name points at the second row, so an approver decides.",
         emp("Paul", "Lindqvist", offer(1), middle_name="Georg"), [row("Paul Lindqvist"), row("Paul G. Lindqvist")]),
    case("middle names", "The registry has a middle name HR's record lacks: offer.",
         emp("Frank", "Ziegler", offer()), row("Frank Walter Ziegler")),

    # --- evidence that a namesake is someone else --------------------------------------------------------------
    case("namesakes", "The name is the same but the registry's Maria Garcia was born on another day: another "
                      "Maria Garcia, never overwritten.",
         emp("Maria", "Garcia", APART, birth_date=BORN), row("Maria Garcia", birth_date=dt.date(1975, 5, 5))),
    case("leavers", "A terminated employee never imported; the registry's Rainer Vogel has another birth date: "
                    "someone else, who must not be moved to the leavers.",
         emp("Rainer", "Vogel", APART, left=True, birth_date=BORN),
         row("Rainer Vogel", birth_date=dt.date(1975, 5, 5))),
    case("namesakes", "Two Anna Fischers in HR: the first has the number of row 0, and row 1 carries her e-mail "
                      "address, so row 1 is hers too (a duplicate), not the second Anna's: both go to an approver.",
         [emp("Anna", "Fiedler", offer(0), unique_identifier="E5031", email="anna.f@acme.example"),
          emp("Anna", "Fiedler", APART, email="anna.fiedler2@acme.example")],
         [row("Anna Fiedler", unique_identifier="E5031"), row("Anna Fiedler", email="anna.f@acme.example")]),
    case("e-mail", "A new HR record for Bernd Kranz; a hand-made Bernd Kranz row, and the Ex-employee row linked to "
                   "his old record with his address: the old row is likely his, so an approver picks.",
         emp("Bernd", "Kranzler", offer(1), email="bernd.k@acme.example"),
         [row("Bernd Kranzler"), row("Bernd Kranzler", link="old", group="Ex-employee",
                                     email="bernd.k@acme.example")]),

    # --- e-mail pointing at another row --------------------------------------------------------------------------
    case("e-mail", "The name fits row 0, the e-mail is row 1's (a Thomas who goes by Tom): review both, never "
                   "merge into the namesake and leave the address on two rows.",
         emp("Tom", "Lindner", offer(1), email="tom.lindner@acme.example"),
         [row("Tom Lindner", email="tl@partner.example"), row("Thomas Lindner", email="tom.lindner@acme.example")]),
    case("e-mail", "The only e-mail match is a differently named row: offer.",
         emp("Vera", "Stahl", offer(), email="vera.stahl@acme.example"),
         row("V. Kühn", email="vera.stahl@acme.example")),

    case("nicknames", "HR's legal first name with the preferred name the registry uses: offer.",
         emp("Katherine", "Foster", offer(), preferred_name="Kate"), row("Kate Foster")),
    case("plain", "One name only (a mononym) on both sides.", emp("Suharto", None, merge()), row("Suharto")),

    # --- leavers -------------------------------------------------------------------------------------------------
    case("leavers", "A terminated employee with a hand-made row: the row is proposed for Ex-employee.",
         emp("Rainer", "Voigt", merge(), left=True), row("Rainer Voigt")),
    case("leavers", "A terminated employee never imported and nobody like them: nothing to do.",
         emp("Monika", "Thiel", APART, left=True)),
    case("leavers", "Terminated long ago and already in Ex-employee, still linked: nothing changes.",
         emp("Gerda", "Pfeiffer", merge(), left=True),
         row("Gerda Pfeiffer", link=0, group="Ex-employee", first_name="Gerda", last_name="Pfeiffer")),
]

CASES: list[Case] = plain_cases() + HARD
