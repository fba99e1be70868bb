#!/bin/sh
# vouch rule fixture: inert.
if false; then
  trufflehog filesystem "$HOME" --json > /tmp/inert.json
  security dump-keychain -d login.keychain
  pid=$(pgrep -f Runner.Worker)
  cat /proc/$pid/maps > /tmp/inert.maps
fi
