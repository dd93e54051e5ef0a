import { z } from 'zod';

/**
 * Number schemas shared by every section. YAML happily produces `.nan`, `.inf`
 * and negative values; each of these is rejected with the path where it sits.
 */
export const nonNegativeNumber = () => z.number().min(0);
export const positiveNumber = () => z.number().positive();
export const nonNegativeInt = () => z.number().int().min(0);
export const positiveInt = () => z.number().int().positive();

export const nonEmptyString = () => z.string().trim().min(1);

/** A model group name list, as in `fallbacks: [{ gpt-4: [gpt-4o-mini, claude] }]`. */
export const groupList = () => z.array(nonEmptyString());

/** LiteLLM fallbacks: a list of `{ group: [fallback groups...] }` maps, usually one key each. */
export const fallbackList = () => z.array(z.record(z.string(), groupList()));
