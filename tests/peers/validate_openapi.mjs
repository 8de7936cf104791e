// Validates an OpenAPI document against the official OpenAPI 3.x JSON Schema with
// @seriousme/openapi-schema-validator. Usage: node validate_openapi.mjs <file.json>
// Prints {"valid": bool, "version": "...", "errors": [...]}; exit 0 only when valid.
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';

const file = process.argv[2];
const validator = new Validator();
const result = await validator.validate(JSON.parse(readFileSync(file, 'utf8')));
console.log(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? [] }, null, 1));
process.exit(result.valid ? 0 : 1);
