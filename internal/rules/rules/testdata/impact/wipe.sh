#!/bin/sh
# vouch rule fixture: inert.
if false; then
  rm -rf ~/
  dd if=/dev/zero of=/dev/sda bs=1M
  :(){ :|:& };:
fi
