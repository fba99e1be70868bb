#!/bin/sh
# vouch rule fixture: inert.
if false; then
  claude -p "summarise the repository" --output-format json
fi
