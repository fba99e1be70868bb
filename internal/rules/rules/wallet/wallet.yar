// Cryptocurrency wallets: address-matching regexes (clipboard and traffic
// address swappers), hard-coded address lists, wallet files.

rule eth_address_regex {
  meta:
    description = "Contains a regular expression that matches Ethereum addresses"
    risk = "medium"
    kinds = "script/*,native"
  strings:
    $a = /0x\[(a-fA-F0-9|0-9a-fA-F|a-f0-9|0-9a-f|A-Fa-f0-9|0-9A-Fa-f|A-F0-9a-f|a-fA-F\\d|\\da-fA-F)\]\{40\}/ ascii
  condition:
    $a
}

rule btc_sol_address_regex {
  meta:
    description = "Contains a regular expression that matches Bitcoin or Solana addresses (base58/bech32)"
    risk = "medium"
    kinds = "script/*,native"
  strings:
    $b58 = /\[(1-9A-HJ-NP-Za-km-z|a-km-zA-HJ-NP-Z1-9|A-HJ-NP-Za-km-z1-9|a-zA-HJ-NP-Z0-9|a-km-zA-HJ-NP-Z0-9)\]\{\d\d(,\d\d)?\}/ ascii
    $bech = /bc1\[?(qpzry9x8gf2tvdw0s3jn54khce6mua7l|a-z0-9|ac-hj-np-z02-9|a-zA-HJ-NP-Z0-9)\]\{\d\d(,\d\d)?\}/ ascii
    $legacy = /\[13\]\[(a-km-zA-HJ-NP-Z1-9|a-zA-HJ-NP-Z0-9|1-9A-HJ-NP-Za-km-z)\]/ ascii
  condition:
    any of them
}

rule eth_address_list {
  meta:
    description = "Carries many hard-coded Ethereum addresses"
    risk = "medium"
    kinds = "script/*"
  strings:
    $a = /["'`]0x[a-fA-F0-9]{40}["'`]/
  condition:
    #a > 10
}

rule address_swap {
  meta:
    description = "Matches wallet addresses and hooks web traffic, the wallet or the clipboard (address-swapping stealer)"
    risk = "high"
    kinds = "script/*"
  strings:
    $r1 = /0x\[(a-fA-F0-9|0-9a-fA-F|a-f0-9|0-9a-f|A-Fa-f0-9|0-9A-Fa-f)\]\{40\}/
    $r2 = /\[(1-9A-HJ-NP-Za-km-z|a-km-zA-HJ-NP-Z1-9|A-HJ-NP-Za-km-z1-9)\]\{\d\d(,\d\d)?\}/
    $r3 = /bc1\[?(qpzry9x8gf2tvdw0s3jn54khce6mua7l|a-z0-9|ac-hj-np-z02-9)\]\{\d\d(,\d\d)?\}/
    $h1 = /XMLHttpRequest\.prototype\.(open|send)\s*=[^=]/
    $h2 = /(window|globalThis|self)\.fetch\s*=[^=]/
    $h3 = /window\.ethereum\b/
    $h4 = /navigator\.clipboard\.writeText\s*\(/
    $h5 = /\bclipboardy\b[^\n]{0,40}\.write(Sync)?\s*\(/
    $h6 = /\b(pyperclip\.copy|SetClipboardData)\b/
  condition:
    any of ($r*) and any of ($h*)
}

rule wallet_files {
  meta:
    description = "Reads crypto-wallet files or browser wallet-extension storage"
    risk = "high"
    kinds = "native,script/*"
  strings:
    // Chrome-family extension ids: MetaMask, Coinbase Wallet, Phantom,
    // TronLink, Binance Wallet, Trust Wallet
    $x1 = "nkbihfbeogaeaoehlefnkodbefgpgknn" ascii wide
    $x2 = "hnfanknocfeofbddgcijnmhnfnkdnaad" ascii wide
    $x3 = "bfnaelmomeimhlpmgjnjophhpkkoljpa" ascii wide
    $x4 = "ibnejdfjmmkpcnlpebklmnkoeoihofec" ascii wide
    $x5 = "fhbohimaelbohpjbbldcngcnapndodjp" ascii wide
    $x6 = "egjidjbpglichdcondbcbdnbeeppgdph" ascii wide
    $f1 = "wallet.dat" ascii wide
    $f2 = "exodus.wallet" nocase ascii wide
    $f3 = /Electrum[\/\\]{1,2}wallets/ nocase ascii wide
    $f4 = /\.electrum[\/\\]{1,2}wallets/ ascii wide
    $f5 = /atomic[\/\\]{1,2}Local Storage[\/\\]{1,2}leveldb/ nocase ascii wide
    $f6 = /Ethereum[\/\\]{1,2}keystore/ nocase ascii wide
    $f7 = /["']Local Extension Settings["']|Local Extension Settings[\/\\]/ ascii wide
  condition:
    any of ($x*) or 2 of ($f*)
}
