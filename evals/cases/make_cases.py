# ruff: noqa: E501 (article texts and sentences are data, one per line)
"""Writes claims.jsonl: the harness's own labelled cases (fictional articles written for this
project, so they can live in the repository and in tests).

Each digest (``detail.summary``) mixes supported sentences with one kind of failure: a changed
number, name, date or place; a negation flip; facts conflated across two cited sources; a
citation to the wrong source; no citation at all (``sources`` empty); non-neutral wording the
sources do not contain. Run ``python evals/cases/make_cases.py`` after editing.
"""

import json
from pathlib import Path

A = {
    "harbor": """Port Alden city council voted 7 to 2 on Tuesday to approve a $48 million expansion of the harbor's container terminal. The project, first proposed in 2021, will add two berths and is expected to be finished by March 2027. Mayor Lena Ortiz said the expansion would create about 300 permanent jobs. Council member Raj Patel, who voted against the plan, said the city had not studied its effect on the nearby wetlands. The state environmental agency has not yet issued a permit for the dredging work. Construction is scheduled to begin in the autumn if the permit is granted.""",
    "drought": """Farmers in the Velmar Valley will receive emergency water allocations of 40 percent of their normal supply this summer, the regional water board announced on Friday. The board cited a third consecutive dry winter, with snowpack in the northern mountains at 22 percent of its long-term average. Board chair Miriam Okafor said the cuts were painful but necessary to protect drinking water for the valley's 1.2 million residents. Growers of almonds and pistachios are expected to be hit hardest. The board said it would review the allocation in June after the spring runoff is measured. Last year farmers received 55 percent of their normal supply.""",
    "rail": """The national rail operator Trenline said on Monday that it will cut 15 regional routes from its timetable starting in January. The company blamed rising energy costs and a 12 percent fall in passenger numbers since 2019. Chief executive Paul Brandt said no staff would be laid off and that affected employees would be moved to other lines. Passenger groups criticised the decision, saying rural towns would be left without public transport. The transport ministry said it was not consulted before the announcement. Trenline carried 84 million passengers last year.""",
    "vaccine": """Health officials in the province of Norland reported 3,400 new measles cases in October, more than double the number recorded in September. The outbreak has been concentrated in the northern city of Kessby, where vaccination rates among children are below 80 percent. Provincial health minister Anya Lindqvist announced free vaccination clinics in schools beginning next week. She said no deaths had been linked to the outbreak so far. Doctors warned that cases could rise further during the winter months. The province last saw a comparable outbreak in 2011.""",
    "tech": """Software maker Brightloop reported quarterly revenue of $2.3 billion on Thursday, up 18 percent from a year earlier. Profit rose to $410 million, beating analysts' forecasts. The company said growth came mainly from its cloud storage business, which added 1.5 million paying customers. Chief financial officer Dana Whitfield said the company would hire 2,000 engineers over the next year. Brightloop's shares rose 6 percent in after-hours trading. The company also confirmed that it had settled a patent dispute with rival Corvex for an undisclosed sum.""",
}
rows = []


def add(summary, kind, label, sentence, sources):
    n = sum(1 for r in rows if r["detail"]["summary"] == summary)
    rows.append(
        {
            "id": f"case-{summary}-{n}",
            "sentence": sentence,
            "sources": [A[s] for s in sources],
            "label": label,
            "detail": {"kind": kind, "summary": summary, "cited": sources},
        }
    )


S, U = "supported", "unsupported"
# digest 1: harbor + drought, mostly faithful
add(
    "d1",
    "supported",
    S,
    "Port Alden's council approved a $48 million expansion of the harbor's container terminal by a 7 to 2 vote.",
    ["harbor"],
)
add(
    "d1",
    "supported",
    S,
    "Mayor Lena Ortiz said the expansion would create about 300 permanent jobs.",
    ["harbor"],
)
add(
    "d1",
    "supported",
    S,
    "The Velmar Valley water board cut farmers' allocations to 40 percent of their normal supply.",
    ["drought"],
)
add(
    "d1",
    "supported",
    S,
    "Snowpack in the northern mountains was at 22 percent of its long-term average.",
    ["drought"],
)
# digest 2: changed numbers
add(
    "d2",
    "supported",
    S,
    "The terminal expansion will add two berths and should be finished by March 2027.",
    ["harbor"],
)
add(
    "d2",
    "number",
    U,
    "Port Alden's council approved a $84 million expansion of the harbor's container terminal.",
    ["harbor"],
)
add(
    "d2",
    "number",
    U,
    "The water board cut farmers' allocations to 45 percent of their normal supply.",
    ["drought"],
)
add(
    "d2",
    "number",
    U,
    "Trenline said it will cut 25 regional routes from its timetable starting in January.",
    ["rail"],
)
add(
    "d2",
    "number",
    U,
    "Brightloop reported quarterly revenue of $3.2 billion, up 18 percent from a year earlier.",
    ["tech"],
)
# digest 3: changed names
add(
    "d3",
    "supported",
    S,
    "Board chair Miriam Okafor said the cuts were necessary to protect drinking water for 1.2 million residents.",
    ["drought"],
)
add(
    "d3",
    "name",
    U,
    "Mayor Anya Lindqvist said the harbor expansion would create about 300 permanent jobs.",
    ["harbor"],
)
add(
    "d3",
    "name",
    U,
    "Chief executive Dana Whitfield said no Trenline staff would be laid off.",
    ["rail"],
)
add(
    "d3",
    "name",
    U,
    "Brightloop settled a patent dispute with rival Trenline for an undisclosed sum.",
    ["tech"],
)
# digest 4: changed dates
add(
    "d4",
    "supported",
    S,
    "The water board will review the allocation in June after the spring runoff is measured.",
    ["drought"],
)
add(
    "d4",
    "date",
    U,
    "The harbor expansion was first proposed in 2019 and will be finished by March 2027.",
    ["harbor"],
)
add(
    "d4",
    "date",
    U,
    "Trenline will cut 15 regional routes from its timetable starting in September.",
    ["rail"],
)
add("d4", "date", U, "Norland last saw a comparable measles outbreak in 1998.", ["vaccine"])
# digest 5: changed places
add(
    "d5",
    "supported",
    S,
    "The measles outbreak has been concentrated in the northern city of Kessby.",
    ["vaccine"],
)
add(
    "d5",
    "place",
    U,
    "The measles outbreak has been concentrated in the southern city of Aldmoor.",
    ["vaccine"],
)
add(
    "d5",
    "place",
    U,
    "Farmers in the Ostra Valley will receive emergency water allocations this summer.",
    ["drought"],
)
add(
    "d5",
    "place",
    U,
    "Harbor city Kessby voted to approve a $48 million terminal expansion.",
    ["harbor"],
)
# digest 6: negation
add(
    "d6",
    "supported",
    S,
    "Health minister Anya Lindqvist said no deaths had been linked to the outbreak so far.",
    ["vaccine"],
)
add("d6", "negation", U, "Chief executive Paul Brandt said staff would be laid off.", ["rail"])
add(
    "d6",
    "negation",
    U,
    "The transport ministry said it was consulted before the announcement.",
    ["rail"],
)
add(
    "d6",
    "negation",
    U,
    "The state environmental agency has issued a permit for the dredging work.",
    ["harbor"],
)
add(
    "d6",
    "negation",
    U,
    "Brightloop's profit rose to $410 million but did not beat analysts' forecasts.",
    ["tech"],
)
# digest 7: conflated across two sources
add(
    "d7",
    "supported",
    S,
    "Trenline blamed rising energy costs and a 12 percent fall in passenger numbers since 2019.",
    ["rail"],
)
add(
    "d7",
    "conflated",
    U,
    "Trenline said it would hire 2,000 engineers over the next year.",
    ["rail", "tech"],
)
add(
    "d7",
    "conflated",
    U,
    "Mayor Lena Ortiz announced free vaccination clinics in schools beginning next week.",
    ["harbor", "vaccine"],
)
add(
    "d7",
    "conflated",
    U,
    "Brightloop's cloud storage business added 1.2 million paying customers.",
    ["tech", "drought"],
)
# digest 8: cited to the wrong source
add("d8", "supported", S, "Brightloop's shares rose 6 percent in after-hours trading.", ["tech"])
add("d8", "wrong_source", U, "Brightloop's shares rose 6 percent in after-hours trading.", ["rail"])
add(
    "d8",
    "wrong_source",
    U,
    "Passenger groups said rural towns would be left without public transport.",
    ["harbor"],
)
add(
    "d8",
    "wrong_source",
    U,
    "Doctors warned that measles cases could rise further during the winter months.",
    ["drought"],
)
# digest 9: uncited
add(
    "d9",
    "supported",
    S,
    "Growers of almonds and pistachios are expected to be hit hardest by the water cuts.",
    ["drought"],
)
add(
    "d9",
    "uncited",
    U,
    "Council member Raj Patel said the city had not studied the effect on nearby wetlands.",
    [],
)
add("d9", "uncited", U, "Last year farmers received 55 percent of their normal supply.", [])
# digest 10: non-neutral (evaluative wording the sources do not contain)
add(
    "d10",
    "supported",
    S,
    "Council member Raj Patel voted against the plan, citing its possible effect on nearby wetlands.",
    ["harbor"],
)
add(
    "d10",
    "non_neutral",
    U,
    "The council recklessly rushed through a wasteful $48 million giveaway to shipping companies.",
    ["harbor"],
)
add(
    "d10",
    "non_neutral",
    U,
    "Trenline's callous decision will betray rural towns that depend on its trains.",
    ["rail"],
)
add(
    "d10",
    "non_neutral",
    U,
    "Brightloop's stellar results prove it is the best-run software company in the world.",
    ["tech"],
)
add(
    "d10",
    "supported",
    S,
    "Passenger groups criticised Trenline's decision to cut 15 regional routes.",
    ["rail"],
)
if __name__ == "__main__":  # shipped in the wheel as digest.cases: importing writes nothing
    with open(Path(__file__).with_name("claims.jsonl"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    print(len(rows), sum(r["label"] == S for r in rows))  # noqa: T201 (a script)
