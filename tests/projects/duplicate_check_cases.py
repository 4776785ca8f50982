"""The duplicate check's test set: proposals as pharmacy staff write them.

REWORDINGS restate a demo project (qiregister/demo/projects.py, THEMES and DEMO_PROJECTS) in
other words, with the abbreviations of the trade; each names the titles (their beginning: the
demo adds the clinical area) of the demo projects it restates. UNRELATED proposals share only
everyday words ("patients", "wards", "reduce", "time") with the register, or a single word of
it.
"""

from typing import NamedTuple


class Rewording(NamedTuple):
    title: str
    aim: str
    restates: tuple[str, ...]  # beginnings of the titles of the projects it restates


class Unrelated(NamedTuple):
    title: str
    aim: str


DISCHARGE = ("Faster discharge prescriptions",)
OMITTED = ("Reducing omitted critical medicines on the wards",)
IV_ORAL = ("IV to oral antibiotic switch at 48 hours",)
MED_REC = ("Medicines reconciliation within 24 hours of admission",)
RETURNS = ("Reducing waste from returned patient medicines",)
INSULIN = ("Insulin prescribing safety", "Insulin safety on the wards")
ASEPTIC = ("Aseptic unit right-first-time batches",)
DISPENSARY = ("Dispensary turnaround for outpatient prescriptions",)
INHALERS = ("Inhaler technique and switching to low-carbon inhalers",)
ANTICOAGULANT = ("Anticoagulant counselling before discharge",)
SYRINGES = ("Paediatric oral syringe labelling",)
CONTROLLED_DRUGS = ("Controlled drug stock discrepancies",)
BIOSIMILAR = ("Biosimilar adalimumab switch",)
DEPRESCRIBING = ("Pharmacist-led deprescribing in frail older people",)
ENQUIRIES = ("Medicines information enquiry response times",)
CHEMOTHERAPY = ("Chemotherapy prescribing verification backlog",)

REWORDINGS = [
    # The department's own example: the discharge prescriptions project, reworded.
    Rewording(
        "Speeding up discharge prescriptions",
        "Cut the time from discharge prescription to medicines ready to 60 minutes on the "
        "surgical wards by June 2027.",
        DISCHARGE,
    ),
    Rewording(
        "TTO turnaround on AMU",
        "Reduce the median TTO turnaround from 3 hours to under 1 hour by March 2027 so "
        "patients are not kept waiting for their meds.",
        DISCHARGE,
    ),
    Rewording(
        "Faster TTOs for surgical patients",
        "90% of TTOs ready within 60 minutes of the decision to discharge on the surgical "
        "wards by September 2027.",
        DISCHARGE,
    ),
    Rewording(
        "Missed doses of time-critical meds",
        "Reduce omitted and delayed doses of TCMs (Parkinson's meds, insulin) by 50% on the "
        "medical wards within 6 months.",
        OMITTED,
    ),
    Rewording(
        "Parkinson's medicines on time",
        "95% of Parkinson's doses given within 30 minutes of the prescribed time on the care of "
        "the elderly wards by April 2027.",
        OMITTED,
    ),
    Rewording(
        "IVOS at 48 hours",
        "Increase the proportion of eligible patients switched from IV to oral antibiotics at "
        "the 48-hour review to 80% by the end of Q2.",
        IV_ORAL,
    ),
    Rewording(
        "IV to PO abx switch",
        "Review all IV abx at 48h and switch 80% of eligible patients to oral within 24 hours "
        "of meeting the criteria.",
        IV_ORAL,
    ),
    Rewording(
        "AMS: timely step down from intravenous antibiotics",
        "80% of patients meeting the switch criteria moved from intravenous to oral "
        "antibiotics within 24 hours by September 2027.",
        IV_ORAL,
    ),
    Rewording(
        "Med rec within 24h of admission",
        "Complete med rec for 90% of adult admissions within 24 hours, weekends included, "
        "by May 2027.",
        MED_REC,
    ),
    Rewording(
        "Weekend medicines reconciliation",
        "Increase the share of patients admitted at weekends who have their drug history "
        "taken and reconciled within 24 hours from 62% to 90%.",
        MED_REC,
    ),
    Rewording(
        "POD reuse to cut waste",
        "Reuse patients' own drugs where safe and reduce the volume of returned medicines "
        "destroyed by 30% within 12 months.",
        RETURNS,
    ),
    Rewording(
        "Reducing pharmacy returns wastage",
        "Cut the value of ward returns sent for destruction by 30% by reusing sealed packs and "
        "PODs by Dec 2027.",
        RETURNS,
    ),
    Rewording(
        "Insulin prescribing errors on surgical wards",
        "Halve the number of insulin prescribing errors on the surgical wards within 12 "
        "months, measured by a weekly chart audit.",
        INSULIN,
    ),
    Rewording(
        "Safer insulin on EPMA",
        "Reduce insulin prescribing errors on EPMA by 50% on the surgical wards by July 2027.",
        INSULIN,
    ),
    Rewording(
        "Aseptic batches right first time",
        "Increase the percentage of aseptic batches released right first time from 91% to "
        "98% by March 2027.",
        ASEPTIC,
    ),
    Rewording(
        "Cutting rework in the aseptic unit",
        "Reduce rejected and reworked batches so that 98% are right first time within 9 months.",
        ASEPTIC,
    ),
    Rewording(
        "Outpatient dispensary waiting times",
        "Dispense 90% of outpatient prescriptions within 30 minutes of hand-in at the hatch "
        "by June 2027.",
        DISPENSARY,
    ),
    Rewording(
        "MDI to DPI switch for net zero",
        "Switch 40% of eligible patients from MDIs to DPIs with an inhaler technique check by "
        "the end of 2027.",
        INHALERS,
    ),
    Rewording(
        "Greener inhaler prescribing",
        "Move suitable asthma and COPD patients from metered-dose inhalers to dry powder "
        "inhalers and check their technique.",
        INHALERS,
    ),
    Rewording(
        "DOAC counselling before discharge",
        "100% of patients newly started on a DOAC counselled by a pharmacist before they go "
        "home, by April 2027.",
        ANTICOAGULANT,
    ),
    Rewording(
        "Labelling oral syringes on paeds wards",
        "No unlabelled oral syringes found in monthly spot checks on the children's wards by "
        "June 2027.",
        SYRINGES,
    ),
    Rewording(
        "CD register discrepancies",
        "Reduce weekly CD balance discrepancies on the wards by 75% within 6 months.",
        CONTROLLED_DRUGS,
    ),
    Rewording(
        "Adalimumab biosimilar switching",
        "Move 90% of eligible patients on Humira to biosimilar adalimumab, saving GBP 200k a "
        "year, by March 2027.",
        BIOSIMILAR,
    ),
    Rewording(
        "Deprescribing for frail older inpatients",
        "Structured medication review and deprescribing for 70% of frail patients on 10+ "
        "medicines by August 2027.",
        DEPRESCRIBING,
    ),
    Rewording(
        "MI enquiry turnaround",
        "Answer 95% of urgent medicines information enquiries within 4 hours by the end of "
        "Q1 2027.",
        ENQUIRIES,
    ),
    Rewording(
        "Chemo verification backlog",
        "Clinically verify all SACT prescriptions at least 48 hours before the treatment date "
        "by May 2027.",
        CHEMOTHERAPY,
    ),
]

UNRELATED = [
    Unrelated(
        "Improving staff wellbeing in the pharmacy team",
        "Increase the number of pharmacy staff who say they feel supported at work from 60% to "
        "80% by March 2027.",
    ),
    Unrelated(
        "Pharmacy technician training passport",
        "Give every new pharmacy technician a completed competency passport within 6 months of "
        "starting on the wards.",
    ),
    Unrelated(
        "Ward fridge temperature monitoring",
        "Reduce out-of-range ward medicine fridge temperature readings by 50% within 6 months.",
    ),
    Unrelated(
        "Pharmacist attendance at consultant ward rounds",
        "Increase pharmacist attendance at consultant ward rounds on the medical wards to 80% "
        "of weekdays by May 2027.",
    ),
    Unrelated(
        "Reducing paper use in the pharmacy",
        "Cut the paper printed by the pharmacy department by 50% within 12 months.",
    ),
    Unrelated(
        "Patient satisfaction with the pharmacy service",
        "Improve the proportion of patients rating the pharmacy service good or excellent to "
        "90% by December 2027.",
    ),
    Unrelated(
        "Reducing sickness absence among pharmacy staff",
        "Reduce the pharmacy team's sickness absence rate from 5% to 3.5% within 12 months.",
    ),
    Unrelated(
        "Reducing noise at night on the wards",
        "Reduce patient-reported noise at night on the medical wards by 30% within 6 months so "
        "patients sleep better.",
    ),
    Unrelated(
        "VTE risk assessment on admission",
        "Increase the share of admitted patients with a VTE risk assessment within 14 hours "
        "to 95% by March 2027.",
    ),
    Unrelated(
        "Legible handwritten entries on paper charts",
        "Increase the share of legible handwritten entries on the wards' paper charts to 95% "
        "by June 2027.",
    ),
]

# Written after the vocabulary was tuned on the cases above, and measured once before any
# further change: how the check does on wording it was not tuned for (README, "Duplicate
# check"). They count in the targets like the others.
HELD_OUT_REWORDINGS = [
    Rewording(
        "Quicker discharge meds for medical patients",
        "Have discharge medication ready within an hour of the TTA being written for 90% of "
        "patients on the medical wards by Q3 2027.",
        DISCHARGE,
    ),
    Rewording(
        "Time critical medicines: fewer omissions",
        "Halve the number of omitted or delayed time-critical doses recorded on EPMA across the "
        "medical wards in 6 months.",
        OMITTED,
    ),
    Rewording(
        "Antibiotic IV-oral switch compliance",
        "Switch 80% of patients who meet the IVOS criteria to oral antibiotics within 24 hours "
        "by March 2027.",
        IV_ORAL,
    ),
    Rewording(
        "Pharmacy technician-led med rec in ED",
        "Technicians to complete medicines reconciliation for 90% of ED admissions within 24 "
        "hours by June 2027.",
        MED_REC,
    ),
    Rewording(
        "Anticoagulation counselling for new starters",
        "Every patient newly started on apixaban or rivaroxaban receives counselling and an "
        "alert card before discharge.",
        ANTICOAGULANT,
    ),
    Rewording(
        "Reducing CD balance errors",
        "Cut controlled drug balance discrepancies on the surgical wards by 75% by the end of "
        "2027.",
        CONTROLLED_DRUGS,
    ),
    Rewording(
        "Polypharmacy reviews for frail patients",
        "Deprescribe where appropriate for 70% of frail inpatients on 10 or more medicines by Q4.",
        DEPRESCRIBING,
    ),
    Rewording(
        "Outpatient prescription waiting times",
        "90% of outpatient prescriptions dispensed within 30 minutes by September 2027.",
        DISPENSARY,
    ),
]
HELD_OUT_UNRELATED = [
    Unrelated(
        "Improving the pharmacy induction for new starters",
        "Every new starter completes a structured pharmacy induction within their first 2 "
        "weeks by April 2027.",
    ),
    Unrelated(
        "Reducing agency staff spend",
        "Reduce the pharmacy's agency staff costs by 25% within 12 months.",
    ),
    Unrelated(
        "Ward stock top-up accuracy",
        "Increase the accuracy of ward stock top-ups to 98% on the medical wards by June 2027.",
    ),
    Unrelated(
        "Patient leaflets in plain English",
        "Rewrite 20 patient information leaflets in plain English with patients by December 2027.",
    ),
]
