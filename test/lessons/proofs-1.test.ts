// Lesson proofs, group 1 of PROOF_FILES (see proof-suite.ts for what is proven and how the lessons are split).
import { proofGroup, proveLessons } from './proof-suite.ts';

await proveLessons(await proofGroup(1));
