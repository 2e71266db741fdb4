#!/usr/bin/env node
// Part of the build: the embedded database with every migration applied, which a new data folder
// starts from (src/template.ts).
import { pgliteTemplatePath, writePgliteTemplate } from "../dist/template.js";

const started = performance.now();
const applied = await writePgliteTemplate();
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`${pgliteTemplatePath}: ${applied.length} migrations, ${seconds} s`);
