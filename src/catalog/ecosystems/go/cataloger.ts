// Go catalogers: go.mod (with its go.sum for checksums) and go.sum on its own (Go binaries are a later cataloger).
import { posix } from 'node:path';
import { globCataloger } from '../../cataloger.ts';
import type { Cataloger, Parser } from '../../cataloger.ts';
import { parseGoMod } from './parse-go-mod.ts';
import { parseGoSum } from './parse-go-sum.ts';

/** Modules required by `go.mod`, replace directives applied; the go.sum beside it adds checksums. */
export const goModCataloger = globCataloger('go-mod', 1, [{ glob: '**/go.mod', parse: parseGoMod }], ['**/go.sum']) satisfies Cataloger;

// A go.sum next to a go.mod is already read by the go-mod cataloger; alone, it is the best record there is.
const goSumAlone: Parser = async (content, ctx) => ((await ctx.readFile(posix.join(posix.dirname(ctx.location.path), 'go.mod'))) ? [] : parseGoSum(content, ctx));

/** Modules in a `go.sum` that has no go.mod beside it (highest version of each module). */
export const goSumCataloger = globCataloger('go-sum', 1, [{ glob: '**/go.sum', parse: goSumAlone }], ['**/go.mod']) satisfies Cataloger;
