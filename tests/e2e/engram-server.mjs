// Starts the real `engram serve` process on a free loopback port (port 0, read back from its first output line) over a
// temporary data directory, and stops it again. The CLI is the built Engram.Cli.dll: ENGRAM_CLI_DLL when set, else the
// newest of artifacts/bin/Engram.Cli/{release,debug}/Engram.Cli.dll. `env` adds settings (ENGRAM__MCP__DEFAULTUSERID=…).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function findCli() {
  if (process.env.ENGRAM_CLI_DLL) return process.env.ENGRAM_CLI_DLL;
  const candidates = ['release', 'debug']
    .map((c) => path.join(repoRoot, 'artifacts', 'bin', 'Engram.Cli', c, 'Engram.Cli.dll'))
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (candidates.length === 0) {
    throw new Error('Engram.Cli.dll not found: build the solution first (dotnet build Engram.slnx -c Release) or set ENGRAM_CLI_DLL.');
  }
  return candidates[0];
}

export async function startEngram({ timeoutMs = 60000, env = {} } = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'engram-e2e-'));
  const apiKey = `m0-e2e-${randomBytes(16).toString('hex')}`;
  const child = spawn('dotnet', [findCli(), 'serve', '--urls', 'http://127.0.0.1:0', '--data', dataDir], {
    env: { ...process.env, ENGRAM_API_KEY: apiKey, DOTNET_NOLOGO: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const host = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`engram serve did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk) => {
      output += chunk.toString();
      const match = output.match(/serving the Mem0 API on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => { output += chunk.toString(); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`engram serve exited with code ${code}:\n${output}`));
    });
  });

  return {
    host,
    apiKey,
    dataDir,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}
