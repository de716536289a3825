import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Campaign } from './Campaign.js';
import { Query } from './Query.js';

export const resolvers: Resolvers = { Query, Campaign };
