"""vouch rule fixture: inert."""
import re

SOLANA = re.compile(r"[1-9A-HJ-NP-Za-km-z]{32,44}")


def find(text):
    return SOLANA.findall(text)
