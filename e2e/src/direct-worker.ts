// wrangler's `unstable_startWorker`, also giving the user worker's own address. Under wrangler dev
// every request first passes a proxy Worker in a workerd process of its own, which forwards it to
// the user worker's workerd; a benchmark that wants what the product costs, not the dev proxy,
// connects to the user worker directly (both of its sides, the same way). The address is only
// announced by wrangler's DevEnv (its `reloadComplete` event), so the worker is started through one.
import { unstable_DevEnv, type unstable_startWorker } from "wrangler";

type StartOptions = Parameters<typeof unstable_startWorker>[0];
type Worker = Awaited<ReturnType<typeof unstable_startWorker>>;

export async function startWorkerDirect(
  options: StartOptions,
): Promise<{ worker: Worker; directUrl: string }> {
  const devEnv = new unstable_DevEnv();
  // Announced once the user worker has loaded, which may be after the proxy is ready.
  const announced = new Promise<string>((resolve) => {
    devEnv.on("reloadComplete", (event: ReloadComplete) => {
      const { protocol, hostname, port } = event.proxyData.userWorkerUrl;
      resolve(`${protocol}//${hostname}:${port}`);
    });
  });
  const worker = await devEnv.startWorker(options);
  await worker.ready;
  return { worker, directUrl: await announced };
}

/** The part of DevEnv's `reloadComplete` event read here. */
interface ReloadComplete {
  proxyData: { userWorkerUrl: { protocol: string; hostname: string; port: string } };
}
