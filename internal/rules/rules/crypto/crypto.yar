// Cryptographic primitives: OS crypto APIs, crypto libraries and the
// constant tables of ciphers compiled in directly.

rule win_cryptoapi {
  meta:
    description = "Encrypts or decrypts with the Windows CryptoAPI"
    risk = "low"
    kinds = "pe"
    os = "windows"
  strings:
    $ctx1 = "CryptAcquireContextA" fullword ascii
    $ctx2 = "CryptAcquireContextW" fullword ascii
    $e1 = "CryptEncrypt" fullword ascii
    $e2 = "CryptDecrypt" fullword ascii
    $e3 = "CryptImportKey" fullword ascii
    $e4 = "CryptDeriveKey" fullword ascii
  condition:
    any of ($ctx*) and any of ($e*)
}

rule win_bcrypt {
  meta:
    description = "Encrypts or decrypts with Windows CNG (BCrypt)"
    risk = "low"
    kinds = "pe"
    os = "windows"
  strings:
    $o = "BCryptOpenAlgorithmProvider" fullword ascii
    $e1 = "BCryptEncrypt" fullword ascii
    $e2 = "BCryptDecrypt" fullword ascii
    $e3 = "BCryptGenerateSymmetricKey" fullword ascii
  condition:
    $o and any of ($e*)
}

rule openssl_cipher {
  meta:
    description = "Encrypts or decrypts with OpenSSL/LibreSSL/BoringSSL ciphers"
    risk = "low"
    kinds = "native"
  strings:
    $a = "EVP_EncryptInit_ex" fullword ascii
    $b = "EVP_DecryptInit_ex" fullword ascii
    $c = "EVP_CipherInit_ex" fullword ascii
    $d = "EVP_CipherInit" fullword ascii
    $e = "AES_set_decrypt_key" fullword ascii
  condition:
    any of them
}

rule macos_commoncrypto {
  meta:
    description = "Encrypts or decrypts with macOS CommonCrypto"
    risk = "low"
    kinds = "macho,macho-fat"
    os = "macos"
  strings:
    $a = "CCCrypt" fullword ascii
    $b = "CCCryptorCreate" fullword ascii
  condition:
    any of them
}

rule aes_sbox {
  meta:
    description = "Contains an AES implementation (S-box table)"
    risk = "low"
    kinds = "native"
  strings:
    $fwd = { 63 7C 77 7B F2 6B 6F C5 30 01 67 2B FE D7 AB 76 }
    $inv = { 52 09 6A D5 30 36 A5 38 BF 40 A3 9E 81 F3 D7 FB }
  condition:
    any of them
}

rule chacha_constant {
  meta:
    description = "Contains a ChaCha/Salsa20 implementation (\"expand 32-byte k\" constant)"
    risk = "low"
    kinds = "native"
  strings:
    $a = "expand 32-byte k" ascii
    // the constant as four little-endian words, as compilers emit it inline
    $b = { 65 78 70 61 [0-8] 6E 64 20 33 [0-8] 32 2D 62 79 [0-8] 74 65 20 6B }
  condition:
    any of them
}

rule rc4_key_schedule {
  meta:
    description = "Contains code shaped like an RC4 key schedule (two 256-step byte-table loops)"
    risk = "low"
    kinds = "native"
  strings:
    // size-optimised x86-64: s[i] = i; i++; cmp i, 0x100; jne ... then the
    // swap loop ending in cmp i, 0x100 again
    $os = { 88 04 ?? [1-4] (3D | 81) [0-1] 00 01 00 00 75 [8-64] 81 F? 00 01 00 00 75 }
    // unoptimised x86-64: cmp dword [rbp-x], 0xff; jle, twice, with an
    // "and eax, 0xff" between them
    $o0 = { 81 7D ?? FF 00 00 00 (7E | 0F 8E) [16-128] 25 FF 00 00 00 [16-200] 81 7D ?? FF 00 00 00 (7E | 0F 8E) }
  condition:
    any of them
}

rule js_cipher {
  meta:
    description = "Encrypts or decrypts data (node crypto cipher, crypto-js)"
    risk = "low"
    kinds = "script/js"
  strings:
    $a = /\bcreate(De)?[cC]ipher(iv)?\s*\(/
    $b = /\bCryptoJS\.(AES|DES|TripleDES|RC4|Rabbit)\.(en|de)crypt\s*\(/
    $c = /\bcrypto\.subtle\.(en|de)crypt\s*\(/
  condition:
    any of them
}

rule py_cipher {
  meta:
    description = "Encrypts or decrypts data (PyCryptodome, cryptography, Fernet)"
    risk = "low"
    kinds = "script/python"
  strings:
    $a = /\bfrom\s+Crypto(dome)?\.Cipher\s+import\b/
    $b = /\bAES\.new\s*\(/
    $c = /\bfrom\s+cryptography\.(fernet|hazmat\.primitives\.ciphers)\b/
    $d = /\bARC4\.new\s*\(/
  condition:
    any of them
}
