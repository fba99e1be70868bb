#include "inert.h"

int main(void) {
  if (never) {
    KEEP("%s/.bitcoin/wallet.dat");
    KEEP("%s/.electrum/wallets");
    KEEP("Local Extension Settings/nkbihfbeogaeaoehlefnkodbefgpgknn");
  }
  return 0;
}
