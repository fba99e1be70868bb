// Reading secrets: browser profiles (the 3CX infostealer stage), developer
// credential files, cloud metadata, OS credential stores.

rule browser_chromium_data {
  meta:
    description = "Reads Chrome/Edge/Brave saved passwords, cookies or history"
    risk = "high"
    kinds = "native,script/*"
  strings:
    $p1 = "Google\\Chrome\\User Data" nocase ascii wide
    $p2 = "Google/Chrome/" nocase ascii wide
    $p3 = ".config/google-chrome" ascii
    $p4 = "Microsoft\\Edge\\User Data" nocase ascii wide
    $p5 = "BraveSoftware\\Brave-Browser" nocase ascii wide
    $p6 = "BraveSoftware/Brave-Browser" nocase ascii
    $p7 = "Chromium\\User Data" nocase ascii wide
    $p8 = ".config/chromium" ascii
    $p9 = /["']Google["']\s*,\s*["']Chrome["']/
    $p10 = "Opera Software\\Opera Stable" nocase ascii wide
    $f1 = "Login Data" ascii wide
    $f2 = "Web Data" ascii wide
    $f3 = "Network\\Cookies" ascii wide
    $f4 = /["'\/\\]Cookies["']/ ascii
    $f5 = /["'\/\\]History["']/ ascii
    $f6 = "\\History" wide
    $f7 = "\\Cookies" wide
  condition:
    any of ($p*) and any of ($f*)
}

rule browser_firefox_data {
  meta:
    description = "Reads Firefox saved logins, cookies or history"
    risk = "high"
    kinds = "native,script/*"
  strings:
    $p1 = "Mozilla\\Firefox" nocase ascii wide
    $p2 = "Mozilla/Firefox" nocase ascii
    $p3 = ".mozilla/firefox" ascii
    $p4 = "Firefox/Profiles" ascii
    $p5 = "profiles.ini" ascii wide
    $f1 = "cookies.sqlite" ascii wide
    $f2 = "logins.json" ascii wide
    $f3 = "key4.db" ascii wide
    $f4 = "places.sqlite" ascii wide
    $f5 = "formhistory.sqlite" ascii wide
  condition:
    any of ($p*) and any of ($f*)
}

rule chrome_master_key {
  meta:
    description = "Decrypts the Chrome/Edge cookie and password master key (os_crypt encrypted_key)"
    risk = "high"
    kinds = "native,script/*"
  strings:
    $k = "encrypted_key" ascii wide
    $s1 = "os_crypt" ascii wide
    $s2 = "Local State" ascii wide
    $d1 = "CryptUnprotectData" ascii
    $d2 = "win32crypt" ascii
    $d3 = "dpapi" nocase ascii
    $d4 = "ProtectedData" ascii
  condition:
    $k and any of ($s*) and any of ($d*)
}

rule dpapi_unprotect {
  meta:
    description = "Decrypts data protected for the current Windows user (DPAPI)"
    risk = "low"
    kinds = "pe"
    os = "windows"
  strings:
    $a = "CryptUnprotectData" fullword ascii
  condition:
    $a
}

rule npmrc_token {
  meta:
    description = "Reads npm credentials (~/.npmrc, _authToken)"
    risk = "medium"
    kinds = "native,script/*"
  strings:
    $f = ".npmrc" ascii
    $t = "_authToken" ascii
    $lit = /["'`\/\\]\.npmrc["'`]/
  condition:
    ($f and $t) or $lit
}

rule ssh_private_keys {
  meta:
    description = "Reads SSH private keys (~/.ssh/id_*)"
    risk = "medium"
    kinds = "native,script/*"
  strings:
    $a = /\.ssh[\/\\]{1,2}id_(rsa|dsa|ecdsa|ed25519|xmss)/ ascii wide
    $b = /\.ssh[\/\\]{1,2}identity\b/ ascii
    $c = /["']\.ssh["']\s*[,)]/ ascii
  condition:
    any of them
}

rule aws_credentials {
  meta:
    description = "Reads AWS credentials (~/.aws/credentials or the secret-key variable)"
    risk = "medium"
    kinds = "native,script/*"
  strings:
    $a = /\.aws[\/\\]{1,2}credentials/ ascii wide
    $b = "AWS_SECRET_ACCESS_KEY" ascii
    $c = /["']\.aws["']\s*,\s*["']credentials["']/ ascii
  condition:
    any of them
}

rule cloud_metadata {
  meta:
    description = "Queries a cloud instance-metadata service (where cloud credentials live)"
    risk = "medium"
    kinds = "native,script/*"
  strings:
    $a = "169.254.169.254" ascii wide
    $b = "metadata.google.internal" ascii wide
    $c = "169.254.170.2" ascii
    $d = "100.100.100.200" ascii
    $e = "fd00:ec2::254" ascii
  condition:
    any of them
}

rule cloud_cli_credentials {
  meta:
    description = "Reads cloud CLI credential files (gcloud, Azure, kubeconfig)"
    risk = "medium"
    kinds = "native,script/*"
  strings:
    $g1 = "application_default_credentials.json" ascii
    $g2 = "gcloud/credentials.db" ascii
    $a1 = ".azure/accessTokens.json" ascii
    $a2 = "msal_token_cache" ascii
    $k1 = /\.kube[\/\\]{1,2}config\b/ ascii
  condition:
    any of them
}

rule gh_auth_token {
  meta:
    description = "Asks the GitHub CLI for its login token (gh auth token)"
    risk = "medium"
    kinds = "native,script/*,text/json"
  strings:
    $a = /\bgh\s+auth\s+token\b/ ascii
    $b = /["']gh["']\s*,\s*\[\s*["']auth["']\s*,\s*["']token["']/ ascii
  condition:
    any of them
}

rule git_credentials {
  meta:
    description = "Reads stored git credentials (.git-credentials, git credential fill)"
    risk = "medium"
    kinds = "native,script/*"
  strings:
    $a = ".git-credentials" ascii wide
    $b = /git\s+credential\s+fill/ ascii
  condition:
    any of them
}

rule docker_config {
  meta:
    description = "Reads Docker registry credentials (~/.docker/config.json)"
    risk = "medium"
    kinds = "native,script/*"
  strings:
    $a = /\.docker[\/\\]{1,2}config\.json/ ascii wide
  condition:
    $a
}

rule dotenv_read {
  meta:
    description = "Loads a .env secrets file"
    risk = "low"
    kinds = "script/*"
  strings:
    $a = /readFile(Sync)?\s*\([^)]{0,80}["'`]\.env["'`]/
    $b = /\bopen\s*\(\s*["']\.env["']/
    $c = /require\(\s*["']dotenv["']\s*\)/
    $d = /from\s+["']dotenv["']/
    $e = /\bload_dotenv\s*\(/
    $f = /(source|\.)\s+\.\/?\.env\b/
  condition:
    any of them
}

rule ci_secret_env {
  meta:
    description = "Reads CI or registry tokens from the environment (NPM_TOKEN, GITHUB_TOKEN, ...)"
    risk = "low"
    kinds = "script/*"
  strings:
    $a = /\b(NPM_TOKEN|NODE_AUTH_TOKEN|GITHUB_TOKEN|GH_TOKEN|CI_JOB_TOKEN|ACTIONS_RUNTIME_TOKEN|ACTIONS_ID_TOKEN_REQUEST_TOKEN|AWS_ACCESS_KEY_ID|PYPI_TOKEN|TWINE_PASSWORD)\b/
  condition:
    $a
}

rule macos_keychain_query {
  meta:
    description = "Reads passwords from the macOS keychain with the security tool"
    risk = "medium"
    kinds = "native,script/*"
  strings:
    $a = /security\s+find-(generic|internet)-password/ ascii
    $b = "SecKeychainFindGenericPassword" ascii
    $c = "SecKeychainFindInternetPassword" ascii
  condition:
    any of them
}

rule macos_keychain_dump {
  meta:
    description = "Dumps or copies the whole macOS keychain"
    risk = "high"
    kinds = "native,script/*"
  strings:
    $a = /security\s+dump-keychain/ ascii
    $b = "login.keychain-db" ascii
  condition:
    any of them
}

rule win_credential_store {
  meta:
    description = "Enumerates saved Windows credentials (Credential Manager, Vault)"
    risk = "medium"
    kinds = "pe,script/*"
    os = "windows"
  strings:
    $a = "CredEnumerateW" fullword ascii
    $b = "CredEnumerateA" fullword ascii
    $c = "VaultEnumerateItems" fullword ascii
    $d = "VaultGetItem" fullword ascii
  condition:
    any of them
}

rule lsass_dump {
  meta:
    description = "Dumps the memory of lsass.exe (Windows logon secrets)"
    risk = "high"
    kinds = "native,script/*"
    os = "windows"
  strings:
    $l = "lsass" nocase ascii wide
    $d1 = "MiniDumpWriteDump" ascii
    $d2 = /comsvcs(\.dll)?[, ]+#?(MiniDump|24)/ nocase ascii wide
  condition:
    $l and any of ($d*)
}

rule runner_memory {
  meta:
    description = "Reads the memory of the GitHub Actions runner process (where job secrets live)"
    risk = "high"
    kinds = "native,script/*"
  strings:
    $r = "Runner.Worker" ascii
    $m1 = /\/proc\/[^\s"']{0,20}\/mem\b/ ascii
    $m2 = /\/proc\/[^\s"']{0,20}\/maps\b/ ascii
    $m3 = "memdump" nocase ascii
  condition:
    $r and any of ($m*)
}

rule secret_scanner {
  meta:
    description = "Runs a secret scanner (TruffleHog, gitleaks) over files"
    risk = "medium"
    kinds = "script/*,text/json"
  strings:
    $a = /\btrufflehog\b[^\n]{0,60}\b(filesystem|git|github)\b/
    $b = /\bgitleaks\s+(detect|dir|git)\b/
  condition:
    any of them
}
