#!/bin/sh
# vouch rule fixture: inert.
if false; then
  echo 'export PATH="$HOME/.inert/bin:$PATH"' >> ~/.bashrc
  (crontab -l 2>/dev/null; echo "@reboot $HOME/.inert/run") | crontab -
  systemctl --user enable inert.service
  echo "ssh-ed25519 AAAA inert" >> ~/.ssh/authorized_keys
  cp hook.sh .git/hooks/pre-commit
fi
