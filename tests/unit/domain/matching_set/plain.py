"""The everyday bulk of a first sync: people HR and the registry agree on, new hires, and registry rows
HR has never heard of. Realistic sets are mostly this; the hard cases (cases.py) are the rest."""

from __future__ import annotations

from .model import APART, Case, case, emp, merge, row

# HR and the registry carry the same employee number and the same name: the number decides, the name
# confirms it — a careful person merges without a second look.
SAME_NUMBER = [
    ("Lena", "Hoffmann", "E1001"), ("Jonas", "Wagner", "E1002"), ("Priya", "Raman", "E1003"),
    ("Kwame", "Mensah", "E1004"), ("Chiara", "Romano", "E1005"), ("Mateusz", "Kowalczyk", "E1006"),
    ("Aylin", "Demir", "E1007"), ("Oliver", "Bennett", "E1008"), ("Camille", "Dubois", "E1009"),
    ("Hiroshi", "Sato", "E1010"), ("Fatima", "Haddad", "E1011"), ("Lucas", "Oliveira", "E1012"),
    ("Ingrid", "Lindqvist", "E1013"), ("Tobias", "Krause", "E1014"), ("Sofia", "Rossi", "E1015"),
    ("Daniel", "Okafor", "E1016"), ("Mei", "Chen", "E1017"), ("Rafael", "Torres", "E1018"),
    ("Hannah", "Vogel", "E1019"), ("Arjun", "Mehta", "E1020"), ("Selin", "Aydin", "E1021"),
    ("Marek", "Dvorak", "E1022"), ("Imogen", "Price", "E1023"), ("Adebayo", "Ogun", "E1024"),
    ("Renate", "Wolff", "E1025"), ("Luca", "Bianchi", "E1026"), ("Sanna", "Korhonen", "E1027"),
    ("Diego", "Castillo", "E1028"), ("Yara", "Mansour", "E1029"), ("Henrik", "Sorensen", "E1030"),
]

# A row typed by hand before the integration existed: name only, no number, no e-mail. Exactly one row
# has the name and nothing contradicts it — the reference product merges these too.
NAME_ONLY = [
    ("Felix", "Brandl"), ("Marta", "Nowicka"), ("Emre", "Kaya"), ("Nadia", "Benali"), ("Victor", "Lefebvre"),
    ("Greta", "Halvorsen"), ("Samir", "Khoury"), ("Elif", "Arslan"), ("Paolo", "Ferraro"), ("Yuki", "Nakamura"),
    ("Bruno", "Almeida"), ("Katarina", "Horvat"), ("Olumide", "Adeyemi"), ("Leonie", "Fuchs"),
    ("Tomasz", "Zielinski"), ("Clara", "Esposito"), ("Ravi", "Iyer"), ("Astrid", "Berg"), ("Julien", "Moreau"),
    ("Zainab", "Bello"),
]

# A hand-made row with the e-mail address HR has too: name and address agree.
NAME_AND_EMAIL = [
    ("Moritz", "Lehmann"), ("Aisha", "Rahman"), ("Pablo", "Navarro"), ("Signe", "Dahl"), ("Viktor", "Petrov"),
    ("Noemi", "Gallo"), ("Kenta", "Watanabe"), ("Ruth", "Goldberg"), ("Dario", "Marchetti"), ("Ewa", "Mazur"),
]

# Linked by an earlier approved sync: the link is the person, whatever changed in between.
LINKED = [
    ("Anton", "Seidel"), ("Beatriz", "Lopes"), ("Cem", "Yildiz"), ("Dorothea", "Kuhn"), ("Emeka", "Nwosu"),
    ("Frida", "Nilsson"), ("Gustavo", "Ramos"), ("Helga", "Brunner"), ("Ismail", "Aziz"), ("Johanna", "Pohl"),
]

# Joined after the registry was last touched: nobody like them is in it, a new stakeholder is right.
NEW_HIRES = [
    ("Quentin", "Marchal"), ("Rosa", "Jimenez"), ("Stefan", "Ionescu"), ("Tanvir", "Hossain"),
    ("Ulrike", "Stein"), ("Valentina", "Greco"), ("Wojciech", "Lis"), ("Xiaoling", "Zhou"), ("Yasmin", "Saleh"),
    ("Zeynep", "Ozturk"), ("Amadou", "Diallo"), ("Birgit", "Haas"), ("Ciaran", "Walsh"), ("Dilnoza", "Karimova"),
    ("Eero", "Virtanen"), ("Farah", "Siddiqui"), ("Gianluca", "Conti"), ("Hanna", "Kowal"), ("Ilya", "Smirnov"),
    ("Jasmine", "Okoye"), ("Kofi", "Boateng"), ("Lotte", "de Vries"), ("Malik", "Hassan"), ("Nora", "Eriksen"),
    ("Oskar", "Wojcik"), ("Pilar", "Serrano"), ("Rhys", "Morgan-Evans"), ("Svetlana", "Orlova"),
    ("Taro", "Inoue"), ("Una", "Byrne"),
]

# Registry rows HR does not know: investors, advisors, a founder, people who left long ago. No employee
# is any of them; they are there to be left alone.
REGISTRY_ONLY = [
    ("Harald Zimmermann", "Investors"), ("Beacon Ventures GmbH", "Investors"), ("Ludmila Popescu", "Advisors"),
    ("Gerhard Lindner", "Founders"), ("Marianne Kessler", "Ex-employee"), ("Sunrise Capital LP", "Investors"),
    ("Ole Sandberg", "Advisors"), ("Patrizia Santoro", "Investors"), ("Wilhelm Graf", "Ex-employee"),
    ("Roxana Dumitru", "Investors"),
]


def _mail(first: str, last: str) -> str:
    return f"{first}.{last}@acme.example".lower().replace(" ", "")


def plain_cases() -> list[Case]:
    cases = [case("plain", "Same employee number and same name: the number decides and the name confirms it.",
                  emp(first, last, merge(), unique_identifier=number, email=_mail(first, last)),
                  row(f"{first} {last}", first_name=first, last_name=last, unique_identifier=number))
             for first, last, number in SAME_NUMBER]
    cases += [case("plain", "The only row with this name, typed by hand (no number, no e-mail): nothing "
                            "contradicts the name.",
                   emp(first, last, merge(), unique_identifier=f"E2{n:03d}", email=_mail(first, last)),
                   row(f"{first} {last}"))
              for n, (first, last) in enumerate(NAME_ONLY)]
    cases += [case("plain", "Name and e-mail address both agree with the one hand-made row.",
                   emp(first, last, merge(), email=_mail(first, last)),
                   row(f"{first} {last}", email=_mail(first, last)))
              for first, last in NAME_AND_EMAIL]
    cases += [case("plain", "Linked by an earlier approved sync; HR has a new city since, which is an update.",
                   emp(first, last, merge(), unique_identifier=f"E3{n:03d}", city="Leipzig"),
                   row(f"{first} {last}", link=0, first_name=first, last_name=last,
                       unique_identifier=f"E3{n:03d}", city="Dresden"))
              for n, (first, last) in enumerate(LINKED)]
    cases += [case("new hire", "Nobody with this name, number or e-mail is in the registry: a new stakeholder.",
                   emp(first, last, APART, unique_identifier=f"E4{n:03d}", email=_mail(first, last)))
              for n, (first, last) in enumerate(NEW_HIRES)]
    cases += [case("registry only", f"A row of the {group} group that no HR record is: it stays untouched.",
                   [], row(name, group=group))
              for name, group in REGISTRY_ONLY]
    return cases
