"""vouch rule fixture: inert."""
from Crypto.Cipher import AES


def unseal(key, iv, data):
    return AES.new(key, AES.MODE_CBC, iv).decrypt(data)
