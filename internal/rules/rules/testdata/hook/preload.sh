#!/bin/sh
# vouch rule fixture: inert.
if false; then
  LD_PRELOAD=/tmp/inert.so /usr/bin/true
fi
