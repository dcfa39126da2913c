import { serve } from "./serve";

await serve(process.argv.slice(2));
