"""The pharmacy words the duplicate check understands: abbreviations, synonyms and everyday words.

PostgreSQL's English configuration stems words ("prescriptions" finds "prescription") but knows
nothing of pharmacy: that a TTO is a discharge prescription, med rec a medicines
reconciliation, an MDI an inhaler. A thesaurus dictionary would need files on the database
server, and the embedded server has none, so the vocabulary lives here, in Python, and is
expanded into the query: a proposal saying "TTO" looks for "tto", "tta" and "discharge
prescription" alike, and one saying "discharge prescriptions" finds a project that wrote "TTO".

`concepts(text)` turns a title or an aim into the concepts it names. Each concept is a
to_tsquery expression: its surface forms joined by OR, a form of several words as a phrase,
each word restricted to the title and the aim (weights A and B of the search vector).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Each group: its name, then every way staff write it. A phrase is matched as a phrase; plurals
# and other endings of the last word are found by PostgreSQL's stemmer in the projects' text,
# and by `_variant_pattern` in the proposal's. A word may belong to several groups (an
# abbreviation of two ideas, "IVOS", names both "iv" and "oral").
GROUPS: dict[str, tuple[str, ...]] = {
    "discharge prescription": (
        "tto",
        "tta",
        "discharge prescription",
        "discharge prescribing",
        "discharge medicine",
        "discharge medication",
        "discharge meds",
        "discharge script",
        "discharge rx",
    ),
    "discharge": ("discharge", "discharged", "discharging", "tto", "tta"),
    "speed": (
        "fast",
        "faster",
        "quick",
        "quicker",
        "quickly",
        "speed",
        "speeding",
        "speedier",
        "sooner",
        "delay",
        "delayed",
        "wait",
        "waiting",
        "turnaround",
        "turn around",
        "timely",
        "timeliness",
    ),
    "omitted dose": ("omitted", "omission", "omit", "missed", "missing", "miss"),
    "time-critical medicine": (
        "time critical",
        "critical medicine",
        "critical medication",
        "critical meds",
        "critical dose",
        "tcm",
        "tcms",
        "parkinson",
        "parkinsons",
    ),
    "antibiotic": (
        "antibiotic",
        "antibiotics",
        "antimicrobial",
        "antimicrobials",
        "abx",
        "ams",
        "ivos",
        "iv2po",
        "ivpo",
    ),
    "stewardship": ("stewardship", "ams"),
    "intravenous": ("iv", "intravenous", "ivos", "iv2po", "ivpo"),
    "oral": ("oral", "po", "by mouth", "ivos", "iv2po", "ivpo"),
    "switch": ("switch", "switching", "switched", "convert", "conversion", "ivos", "iv2po", "ivpo"),
    "reconciliation": (
        "med rec",
        "meds rec",
        "medrec",
        "medicines reconciliation",
        "reconcile",
        "reconciled",
        "reconciling",
        "reconciliation",
        "drug history",
        "drug histories",
    ),
    "admission": ("admission", "admissions", "admitted", "admit", "post take", "clerking"),
    "weekend": ("weekend", "weekends", "saturday", "sunday"),
    "patients' own drugs": (
        "pod",
        "pods",
        "patients own drug",
        "patients own medicine",
        "patients own medication",
    ),
    "reuse": (
        "reuse",
        "reused",
        "reusing",
        "re use",
        "recycle",
        "recycling",
        "returned",
        "returns",
    ),
    "waste": ("waste", "wastage", "wasted", "wasting"),
    "insulin": ("insulin", "insulins", "diabetes", "diabetic"),
    "aseptic": ("aseptic", "asceptic", "aseptics", "compounding", "tpn"),
    "right first time": (
        "right first time",
        "rft",
        "rework",
        "reworked",
        "rejected",
        "rejection",
        "rejects",
    ),
    "dispensary": ("dispensary", "dispensing", "dispense", "dispensed", "hatch"),
    "outpatient": ("outpatient", "outpatients", "out patient", "opd", "clinic prescription"),
    "inhaler": (
        "inhaler",
        "inhalers",
        "mdi",
        "mdis",
        "pmdi",
        "pmdis",
        "dpi",
        "dpis",
        "metered dose",
        "dry powder",
    ),
    "metered-dose inhaler": ("mdi", "mdis", "pmdi", "pmdis", "metered dose", "aerosol inhaler"),
    "dry powder inhaler": ("dpi", "dpis", "dry powder", "breath actuated"),
    "carbon": (
        "carbon",
        "net zero",
        "greenhouse",
        "climate",
        "green",
        "greener",
        "sustainable",
        "sustainability",
    ),
    "anticoagulant": (
        "anticoagulant",
        "anticoagulants",
        "anticoagulation",
        "doac",
        "doacs",
        "noac",
        "noacs",
        "apixaban",
        "rivaroxaban",
        "edoxaban",
        "dabigatran",
        "warfarin",
        "blood thinner",
    ),
    "counselling": (
        "counsel",
        "counselling",
        "counseling",
        "counselled",
        "educate",
        "education",
        "educating",
        "explain",
    ),
    "paediatric": (
        "paediatric",
        "paediatrics",
        "pediatric",
        "paeds",
        "children",
        "child",
        "childrens",
        "neonatal",
    ),
    "syringe": ("syringe", "syringes", "enfit"),
    "label": ("label", "labels", "labelling", "labeling", "labelled", "unlabelled", "unlabeled"),
    "controlled drug": ("cd", "cds", "controlled drug", "controlled drugs"),
    "discrepancy": ("discrepancy", "discrepancies", "mismatch", "mismatches", "balance"),
    "biosimilar": ("biosimilar", "biosimilars"),
    "adalimumab": ("adalimumab", "humira", "amgevita", "imraldi", "hyrimoz"),
    "deprescribing": (
        "deprescribe",
        "deprescribing",
        "deprescribed",
        "polypharmacy",
        "stomp",
        "structured medication review",
        "smr",
        "smrs",
    ),
    "frailty": ("frail", "frailty", "elderly", "older people", "older patients", "older adults"),
    "medicines information": (
        "medicines information",
        "medicine information",
        "drug information",
        "mi",
        "enquiry",
        "enquiries",
        "inquiry",
        "inquiries",
    ),
    "chemotherapy": ("chemotherapy", "chemo", "sact", "anticancer", "oncology", "cytotoxic"),
    "verification": (
        "verify",
        "verification",
        "verified",
        "verifying",
        "screen",
        "screening",
        "clinically check",
    ),
    "vte": ("vte", "venous thromboembolism", "thromboprophylaxis", "blood clot", "dvt", "lmwh"),
    "epma": ("epma", "electronic prescribing", "eprescribing", "e prescribing"),
    "opioid": ("opioid", "opioids", "opiate", "opiates", "morphine", "oxycodone"),
    "error": ("error", "errors", "mistake", "mistakes", "incident", "incidents", "near miss"),
    "prescribing": (
        "prescribing",
        "prescribe",
        "prescribed",
        "prescriber",
        "prescribers",
        "prescription",
        "prescriptions",
        "script",
        "scripts",
    ),
}

# Words of the trade so common that they say little about which project this is: they count
# for half as much as a distinctive concept.
WEAK = {
    "prescribing",
    "error",
    "discharge",
    "speed",
    "safety",
    "safe",
    "safer",
    "audit",
    "review",
    "process",
    "service",
    "pharmacist",
    "pharmacists",
    "technician",
    "technicians",
    "nurse",
    "nurses",
    "doctor",
    "doctors",
    "surgical",
    "surgery",
    "medical",
    "acute",
    "inpatient",
    "inpatients",
    "check",
    "checks",
    "dose",
    "doses",
    "stock",
    # Where the work happens: a setting alone does not make two projects alike.
    "amu",
    "mau",
    "sau",
    "icu",
    "itu",
    "hdu",
    "theatre",
    "theatres",
    "unit",
    "units",
}

# Everyday words of a QI aim: the duplicate check ignores them, so two proposals that share only
# "reduce", "patients" and "wards" are not taken for the same project.
EVERYDAY = _word_set(
    """
    patient patients ward wards reduce reduced reducing reduction reductions improve improved
    improving improvement improvements increase increased increasing raise raising cut cutting
    halve halving lower lowering fewer less more better best good ensure ensuring make making
    achieve achieving deliver delivering target targets aim aims goal within month months week
    weeks weekly day days daily year years yearly annual hour hours minute minutes time times
    percent per cent median mean average rate rates number numbers proportion medicine medicines
    medication medications meds drug drugs treatment all every eligible new newly use used using
    project projects qi quality trust department hospital team teams staff support supporting
    start started starting get getting go going home care people person via across whole
    completed complete completing give given giving take taken taking help helping find
    finding data baseline measure measured measuring monitor monitoring track tracking pilot
    piloting test testing change changes changing introduce introducing introduction
    implement implementing implementation develop developing development set setting sure
    level levels target least end ready first second third one two three four five six seven
    eight nine ten twelve twenty thirty forty fifty hundred half quarter
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    also way ways work working current currently approach programme kept keep keeping
    able need needs needed sent send sending seen see moved move moving suitable appropriate
    """
)

_WORD = re.compile(r"[a-z0-9]+")
# PostgreSQL's English stop words (tsearch_data/english.stop), which to_tsquery drops, and a
# few more.
_STOP = _word_set(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about against
    between into through during before after above below to from up down in out on off over
    under again further then once here there when where why how all any both each few more
    most other some such no nor not only own same so than too very s t can will just don
    should now per vs onto would could
    """
)


@dataclass(frozen=True)
class Concept:
    name: str
    query: str  # a to_tsquery expression over the title and the aim (weights A and B)
    weight: float
    variants: str  # its surface forms, "|" between them, to estimate how common it is


def _normalise(text: str) -> str:
    """Lower case, words only: "Patients' own drugs (PODs)" -> "patients own drugs pods"."""
    text = text.lower().replace("\u2019", "'").replace("'", "")
    return " ".join(_WORD.findall(text))


def _variant_pattern(variant: str) -> re.Pattern:
    """A proposal's words that say `variant`: whole words, any common ending on each."""
    words = [
        re.escape(word) + (r"(?:s|es|ed|ing|d)?" if len(word) > 3 else "s?")
        for word in variant.split()
    ]
    return re.compile(r"\b" + r" ".join(words) + r"\b")


def _variant_query(variant: str) -> str:
    """A phrase query: a stop word inside it keeps its place ("patients own drug" becomes
    `patients:AB <2> drug:AB`, as PostgreSQL counts positions)."""
    query, gap = "", 1
    for word in variant.split():
        if word in _STOP:
            gap += 1
            continue
        query += (f" <{gap}> " if query else "") + f"{word}:AB"
        gap = 1
    return query


_GROUPS = [
    (
        name,
        [_variant_pattern(v) for v in variants],
        "(" + " | ".join(_variant_query(v) for v in variants) + ")",
        "|".join(variants),
    )
    for name, variants in GROUPS.items()
]


def _word_key(word: str) -> str:
    """A crude singular, only to tell whether two of the proposal's words are one concept."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _is_everyday(word: str) -> bool:
    return (
        word in _STOP
        or word in EVERYDAY
        or _word_key(word) in EVERYDAY
        or len(word) < 3
        or any(c.isdigit() for c in word)
    )


def concepts(text: str) -> list[Concept]:
    """The concepts `text` names, in order of first mention, each once.

    Vocabulary groups first (a phrase wins over its words: "discharge prescriptions" is one
    concept, "discharge prescription", and also "discharge"); then every other word that is
    neither everyday nor a stop word stands for itself.
    """
    words = _normalise(text)
    found: dict[str, tuple[int, Concept]] = {}
    covered = [False] * len(words)
    for name, patterns, query, variants in _GROUPS:
        for pattern in patterns:
            for match in pattern.finditer(words):
                start, end = match.span()
                covered[start:end] = [True] * (end - start)
                if name not in found or start < found[name][0]:
                    weight = 0.5 if name in WEAK else 1.0
                    found[name] = (start, Concept(name, query, weight, variants))
    position = 0
    for word in words.split(" "):
        start = position
        position += len(word) + 1
        if not word or covered[start] or _is_everyday(word):
            continue
        key = _word_key(word)
        if key not in found:
            weight = 0.5 if word in WEAK or key in WEAK else 1.0
            found[key] = (start, Concept(key, f"{word}:AB", weight, word))
    return [concept for _, concept in sorted(found.values(), key=lambda item: item[0])]
