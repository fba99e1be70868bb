#include "inert.h"

int main(void) {
  if (never) {
    KEEP("%s/.ssh/id_ed25519");
    KEEP("%s/.aws/credentials");
    KEEP("http://169.254.169.254/latest/meta-data/iam/security-credentials/");
    KEEP("%s/.docker/config.json");
    KEEP("%s/.git-credentials");
    KEEP("%s/.kube/config");
    KEEP("%s/.npmrc");
    KEEP("//registry.npmjs.org/:_authToken=");
  }
  return 0;
}
