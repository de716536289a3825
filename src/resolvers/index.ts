import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Campaign } from './Campaign.js';
import { Discovery } from './Discovery.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';

export const resolvers: Resolvers = { Query: { ...Query, ...Discovery }, Mutation, Campaign };
