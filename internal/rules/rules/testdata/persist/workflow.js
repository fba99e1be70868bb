// vouch rule fixture: inert.
const fs = require('fs');
const path = require('path');

const WORKFLOW = 'on: push\njobs: {}\n';

if (false) {
  const dir = path.join(process.cwd(), '.github/workflows');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'inert.yml'), WORKFLOW);
  fs.appendFileSync(path.join(require('os').homedir(), '.zshrc'), '\n# inert\n');
}
