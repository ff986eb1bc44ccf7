"""Fictional names: common first names with invented surnames and places, so no row is a real person or prison."""

FIRST_NAMES = (
    "Alex", "Ashley", "Bailey", "Billie", "Cameron", "Casey", "Charlie", "Dakota", "Dale", "Devon", "Drew",
    "Eden", "Elliot", "Emery", "Finley", "Frankie", "Glen", "Harley", "Hayden", "Jamie", "Jesse", "Jo",
    "Jordan", "Jude", "Kai", "Kendall", "Lee", "Lennie", "Logan", "Morgan", "Nico", "Noel", "Parker",
    "Quinn", "Reese", "Riley", "Robin", "Rowan", "Sam", "Sawyer", "Shay", "Sidney", "Skyler", "Stevie",
    "Sunny", "Taylor", "Teagan", "Toby", "Val", "Wren",
)

# Invented surnames: plausible English shapes that are not common family names.
SURNAMES = (
    "Ashcombe", "Barrowfield", "Blenkiron", "Brackley", "Callowhill", "Carrowmore", "Crediton", "Dunhallow",
    "Eastleigh", "Farrowdale", "Fenwright", "Garthwaite", "Glenholme", "Greyburn", "Hallowes", "Harrowgate",
    "Hesketh", "Ivelbrook", "Kelderby", "Kirkstall", "Langridge", "Lowesby", "Marbury", "Merriott",
    "Netherby", "Northcote", "Oakhanger", "Orrington", "Pellington", "Quarrie", "Ravensholt", "Redcliffe",
    "Rushmere", "Saltwood", "Scarrow", "Shelderton", "Stainforth", "Thornaby", "Tidworth", "Ulverby",
    "Wardlow", "Westerdale", "Whitcombe", "Wickersley", "Wolvercote", "Yarncliffe",
)

PLACE_STARTS = (
    "Ash", "Bar", "Black", "Bram", "Cal", "Crow", "Dun", "East", "Fen", "Glen", "Grey", "Hal", "Hart", "Ivel",
    "Kel", "Lang", "Low", "Mar", "Nether", "North", "Oak", "Pel", "Raven", "Red", "Rush", "Salt", "Scar",
    "Stain", "Thorn", "Tid", "Ulver", "Ward", "West", "Whit", "Wick", "Wolver", "Yarn", "Sedge", "Marsh", "Hollin",
)
PLACE_ENDS = ("bury", "combe", "dale", "field", "ford", "gate", "ham", "holme", "ley", "mere", "moor", "stead",
              "thorpe", "wick", "worth")

PRISON_KINDS = ("HMP", "HMP", "HMP", "HMP & YOI", "HMP")

REGIONS = ("North East", "North West", "Yorkshire", "East Midlands", "West Midlands", "East of England",
           "London", "Kent Surrey Sussex", "South West", "South Central", "Wales", "Greater Manchester")
