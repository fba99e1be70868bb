// AI coding agents driven by package code: the Nx "s1ngularity" release
// (2025) ran the developer's own claude/gemini/q CLIs with their permission
// checks switched off and a prompt asking them to hunt for secrets.

rule cli_permission_bypass {
  meta:
    description = "Runs an AI coding CLI (claude, gemini, codex, q) with its permission checks switched off"
    risk = "high"
    kinds = "native,script/*,text/json"
  strings:
    $a = /\b(claude|gemini|codex|q)\b["'`]?[^\n]{0,160}(--dangerously-skip-permissions|--yolo\b|--trust-all-tools|--dangerously-bypass-approvals-and-sandbox)/ ascii
  condition:
    $a
}

rule permission_bypass_flag {
  meta:
    description = "Contains an AI-agent flag that switches off permission checks"
    risk = "medium"
    kinds = "native,script/*,text/json"
  strings:
    $a = "--dangerously-skip-permissions" ascii
    $b = "--trust-all-tools" ascii
    $c = "--dangerously-bypass-approvals-and-sandbox" ascii
  condition:
    any of them
}

rule cli_invocation {
  meta:
    description = "Starts an AI coding CLI (claude, gemini, codex, q chat)"
    risk = "low"
    kinds = "script/*"
  strings:
    $a = /\b(spawn|spawnSync|exec|execSync|execFile|execFileSync|execa|Popen|run|call|check_output)\s*\(\s*\[?\s*["'`](claude|gemini|codex)\b/
    $b = /["'`]q["'`]\s*,\s*\[\s*["'`]chat["'`]/
    $c = /\bcmd\s*:\s*["'`](claude|gemini|codex|q)["'`]/
    $d = /(^|[\s;&|(])(claude|gemini|codex)\s+(-p|--print|--prompt|exec)\s/
  condition:
    any of them
}

rule secret_hunting_prompt {
  meta:
    description = "Asks an AI agent to search the machine for wallets, keys or secrets"
    risk = "high"
    kinds = "native,script/*,text/json"
  strings:
    $cli = /\b(claude|gemini|codex|copilot)\b/ ascii
    $p1 = /\b(recursively|search|scan|find|locate|enumerate)\b[^\n]{0,300}\b(wallets?|private keys?|mnemonic|seed phrases?|keystore|id_rsa|\.env files?|secrets)\b/ nocase ascii
  condition:
    $cli and $p1
}

rule agent_config_write {
  meta:
    description = "Writes AI-agent or MCP configuration (can add tools or servers the agent will run)"
    risk = "medium"
    kinds = "script/*"
  strings:
    $p1 = /\.cursor[\/\\]mcp\.json/
    $p2 = "claude_desktop_config.json"
    $p3 = /\.claude[\/\\](settings(\.local)?\.json|commands|agents)/
    $p4 = /\.gemini[\/\\]settings\.json/
    $p5 = /\.codex[\/\\]config\.toml/
    $p6 = /\.vscode[\/\\]mcp\.json/
    $w1 = /(writeFile|appendFile|createWriteStream)(Sync)?\s*\(/
    $w2 = /\bopen\s*\([^)]{0,160},\s*["'][wa]/
    $w3 = /\.(write_text|write_bytes)\s*\(/
    $w4 = />>?\s*[^\n]{0,60}(mcp\.json|settings\.json|config\.toml)/
  condition:
    any of ($p*) and any of ($w*)
}
