// Runs before `npm test`: the browser tests drive Debian's chromium (npm packages cannot download a browser on
// these machines). When it is missing and we may install packages (root with apt-get), install it; otherwise say
// exactly what to do and stop, rather than let a dozen browser tests fail one by one.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (fs.existsSync(path)) process.exit(0);

const canInstall = process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get') && !process.env.CHROMIUM_PATH;
if (!canInstall) {
  console.error(
    `The browser tests need chromium at ${path}. Install Debian's package (apt-get update && apt-get install -y chromium) ` +
      'or point CHROMIUM_PATH at a Chromium binary.',
  );
  process.exit(1);
}
console.log("pretest: installing Debian's chromium for the browser tests (apt-get install -y chromium)…");
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: ['ignore', 'ignore', 'inherit'], env });
if (!fs.existsSync(path)) {
  console.error(`chromium was installed but ${path} is still missing; set CHROMIUM_PATH.`);
  process.exit(1);
}
