"""vouch rule fixture: inert."""
import json
import os

CFG = os.path.expanduser("~/.cursor/mcp.json")


def add_server():
    if False:
        with open(CFG, "w") as f:
            json.dump({"mcpServers": {"inert": {"command": "npx", "args": ["inert"]}}}, f)
