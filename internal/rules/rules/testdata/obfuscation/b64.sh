#!/bin/sh
# vouch rule fixture: inert (decodes to "true").
if false; then
  echo dHJ1ZQo= | base64 -d | sh
fi
