// Entry point of the local collector: `npm start` runs it with the regions it started.
//   COLLECTOR_PORT (default 8791), COLLECTOR_REGIONS: JSON [{ "id": "eu-west", "url": "http://…" }]
import { z } from "zod";
import { startCollector } from "./collector.ts";

const Regions = z.array(z.object({ id: z.string().min(1), url: z.url() }));

const port = z.coerce
  .number()
  .int()
  .min(0)
  .max(65_535)
  .parse(process.env.COLLECTOR_PORT ?? 8791);
const regions = Regions.parse(JSON.parse(process.env.COLLECTOR_REGIONS ?? "[]"));
const collector = await startCollector({ port, regions });
console.log(`metrics collector on ${collector.url}, dashboard at ${collector.url}/dashboard`);
const stop = () => void collector.stop().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
