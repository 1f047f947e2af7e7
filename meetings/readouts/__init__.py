"""Pure parsing of readout texts: text in, dataclasses out."""

from .parse import (
    ParsedParticipant,
    ParsedReadout,
    ParsedStatement,
    UnreadableReadout,
    compile_vocabulary,
    name_key,
    parse_readout,
    tag_topics,
)

__all__ = [
    "ParsedParticipant",
    "ParsedReadout",
    "ParsedStatement",
    "UnreadableReadout",
    "compile_vocabulary",
    "name_key",
    "parse_readout",
    "tag_topics",
]
