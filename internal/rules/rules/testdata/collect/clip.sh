#!/bin/sh
# vouch rule fixture: inert.
if false; then
  pbpaste > /tmp/inert.clip
  screencapture -x /tmp/inert.png
fi
