"""Word lists that tell a full stop after an abbreviation from the end of a sentence."""

from __future__ import annotations

import re

# Titles and words that are always followed by more of the same sentence ("Dr. Smith", "e.g. this").
NEVER_FINAL = frozenset(
    {
        "Mr", "Mrs", "Ms", "Messrs", "Mme", "Dr", "Prof", "St", "Mt", "Ft", "Gen", "Col", "Lt", "Sgt",
        "Capt", "Cmdr", "Adm", "Maj", "Brig", "Gov", "Sen", "Rep", "Rev", "Hon", "Pres", "Supt", "Amb",
        "Atty", "Insp", "Cpl", "Pvt", "Fr", "Rt", "vs", "v", "viz", "cf", "ca", "approx", "eg",
        "ie", "e.g", "i.e", "Vs", "Ave", "Blvd", "Rd",
    }
)  # fmt: skip

# Abbreviations that stand before a number ("No. 10", "p. 5"); before anything else they are words.
BEFORE_NUMBER = frozenset({"No", "Nos", "Nr", "Art", "Vol", "Fig", "p", "pp", "Ch", "Sec", "Para", "ch"})

# Abbreviations that may end a sentence ("Apple Inc.", "in the U.S."): the full stop ends the
# sentence only when a word that typically starts a sentence follows.
MAYBE_FINAL = frozenset(
    {
        "Inc", "Ltd", "Corp", "Co", "Bros", "Plc", "LLC", "Jr", "Sr", "etc", "al", "Jan", "Feb", "Mar",
        "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Mon", "Tue", "Tues", "Wed", "Thu",
        "Thur", "Thurs", "Fri", "Sat", "Sun",
    }
)  # fmt: skip

# English words that open sentences far more often than they continue a name or an abbreviation.
SENTENCE_STARTERS = frozenset(
    {
        "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "This", "That", "These", "Those",
        "There", "His", "Her", "Its", "Their", "Our", "My", "But", "And", "Or", "So", "Yet", "In", "On",
        "At", "For", "From", "With", "By", "As", "After", "Before", "When", "While", "If", "However",
        "Meanwhile", "Then", "Now", "Some", "Many", "Most", "All", "What", "Why", "How", "Who", "Where",
        "Despite", "Although", "Since", "According", "Last", "Earlier", "Later",
    }
)  # fmt: skip

# "U.S", "a.m", "e.g" (the final full stop is not part of the token).
LATIN_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
# "أ.د" (أستاذ دكتور), "ق.م" (قبل الميلاد), "ش.م.م"; a tatweel may follow a letter ("هـ").
ARABIC_INITIALISM = re.compile(r"(?:[\u0621-\u064A]\u0640?\.)+[\u0621-\u064A]\u0640?")
# One Arabic letter: "د." (doctor), "م." (engineer, or Gregorian year after a number), "هـ." (Hijri year).
ARABIC_SINGLE_LETTER = re.compile(r"[\u0621-\u064A]\u0640?")
NUMBER = re.compile(r"[0-9\u0660-\u0669\u06F0-\u06F9]+")
