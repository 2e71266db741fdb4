import { isUniqueViolation, type RosterError } from "../errors.js";

/**
 * The one place a unique violation becomes a refusal: `conflicts` names the constraints a person can
 * run into (a name already taken) and the refusal for each. For `.catch`; anything else is rethrown.
 */
export function conflictOnUnique(conflicts: Record<string, () => RosterError>): (error: unknown) => never {
  return (error) => {
    for (const [constraint, refusal] of Object.entries(conflicts)) {
      if (isUniqueViolation(error, constraint)) throw refusal();
    }
    throw error;
  };
}
