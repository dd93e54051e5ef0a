import { isConfigError, loadConfigFile } from '../../config';
import { configErrorMessage } from '../config-file';
import { CliError, EXIT } from '../exit-codes';
import { writeJson } from '../output';

export interface ValidateFlags {
  json?: boolean;
}

export function validateConfig(file: string, flags: ValidateFlags): void {
  try {
    const loaded = loadConfigFile(file);
    const deployments = Object.values(loaded.routing.deployments);
    const groups = Object.keys(loaded.routing.groups);
    if (flags.json) {
      writeJson({ valid: true, file, groups, deployments: deployments.length, warnings: loaded.warnings });
      return;
    }
    process.stdout.write(`${file}: valid, ${deployments.length} deployment(s) in ${groups.length} group(s): ${groups.join(', ')}\n`);
    for (const w of loaded.warnings) process.stdout.write(`  warning: ${w.path}: ${w.message}\n`);
  } catch (err) {
    if (!isConfigError(err)) throw err;
    if (flags.json) {
      writeJson({ valid: false, file, issues: err.issues });
      throw new CliError(`${file}: invalid (${err.issues.filter((i) => i.severity === 'error').length} problem(s))`, EXIT.USAGE);
    }
    throw new CliError(configErrorMessage(err, file), EXIT.USAGE);
  }
}
