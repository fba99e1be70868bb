#!/bin/bash
# vouch rule fixture: inert.
if false; then
  unset HISTFILE
  history -c
  nohup /tmp/inert >/dev/null 2>&1 &
  rm -f "$0"
fi
