// Leases: a long-lived user of the shared services (a CI run) records its pid here, so that when
// another run finishes, its clean-up does not stop services someone is still testing against.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isAlive } from "./process.ts";

function leaseDir(runDir: string): string {
  return join(runDir, "leases");
}

export function takeLease(runDir: string, pid: number): void {
  mkdirSync(leaseDir(runDir), { recursive: true });
  writeFileSync(join(leaseDir(runDir), String(pid)), new Date().toISOString());
}

export function releaseLease(runDir: string, pid: number): void {
  rmSync(join(leaseDir(runDir), String(pid)), { force: true });
}

/** Pids of other lease holders that are still alive (leases of dead processes are dropped). */
export function liveLeases(runDir: string): number[] {
  const dir = leaseDir(runDir);
  if (!existsSync(dir)) return [];
  const live: number[] = [];
  for (const name of readdirSync(dir)) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) live.push(pid);
    else rmSync(join(dir, name), { force: true });
  }
  return live;
}
