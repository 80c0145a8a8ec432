// Lesson proofs, group 3 (see proof-suite.ts for what is proven and why the lessons are split).
import { PROOF_GROUPS, proveLessons } from './proof-suite.ts';

await proveLessons(PROOF_GROUPS['proofs-3'] ?? []);
