import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../generated/index.js';
import { acmeInput } from '../credentials/helpers.js';
import { activeCredential, IDS, useWorld } from '../helpers/world.js';

// Issue 12 point 9: values a normalised cache can trust. A credential's number and WABA are that credential's
// copy of a Meta object (placeholders until read, ownership and listing rights per token), so their ids are
// unique per credential: a new credential's placeholders ("" and UNKNOWN) must not overwrite, in Apollo's
// InMemoryCache, the number an ACTIVE credential shows.

const CredentialsDoc = graphql(`
  query ApolloCacheCredentials {
    whatsAppApiCredentials(first: 10) {
      nodes {
        id
        name
        status
        phoneNumber {
          id
          metaId
          displayPhoneNumber
          verifiedName
          qualityRating
          status
        }
        whatsAppBusinessAccount {
          id
          metaId
          name
          ownership
        }
      }
    }
  }
`);

const CreateDoc = graphql(`
  mutation ApolloCacheCreate($input: CreateWhatsAppApiCredentialInput!) {
    createWhatsAppApiCredential(input: $input) {
      __typename
      ... on CreateWhatsAppApiCredentialSuccess {
        data {
          id
          name
          status
          phoneNumber {
            id
            metaId
            displayPhoneNumber
            verifiedName
            qualityRating
            status
          }
          whatsAppBusinessAccount {
            id
            metaId
            name
            ownership
          }
        }
      }
    }
  }
`);

describe('a normalised cache (Apollo InMemoryCache)', () => {
  const w = useWorld();
  let activeId: string;

  beforeAll(async () => {
    activeId = await activeCredential(w.h, 'cache active');
  });

  it("keeps an ACTIVE credential's number when a new credential of the same number arrives with placeholders", async () => {
    const client = new ApolloClient({
      cache: new InMemoryCache(),
      link: new HttpLink({ uri: `${w.h.url}/graphql`, headers: { authorization: `Bearer ${w.h.adminKey}` } }),
    });
    const before = await client.query({ query: CredentialsDoc, fetchPolicy: 'network-only' });
    const active = before.data!.whatsAppApiCredentials.nodes.find((c) => c.id === activeId)!;
    expect(active).toMatchObject({
      status: 'ACTIVE',
      phoneNumber: { metaId: IDS.phone.acmeGreen, displayPhoneNumber: '+15550100001', qualityRating: 'GREEN', status: 'CONNECTED' },
      whatsAppBusinessAccount: { metaId: IDS.waba.acmeMain, name: 'Acme Main', ownership: 'OWNED' },
    });

    // The same Meta number and WABA through a second credential: stored PROCESSING, nothing read from Meta yet.
    const created = await client.mutate({ mutation: CreateDoc, variables: { input: acmeInput('cache newcomer') } });
    const result = created.data!.createWhatsAppApiCredential;
    if (result.__typename !== 'CreateWhatsAppApiCredentialSuccess') throw new Error(JSON.stringify(result));
    const newcomer = result.data;
    expect(newcomer).toMatchObject({
      status: 'PROCESSING',
      phoneNumber: { metaId: IDS.phone.acmeGreen, displayPhoneNumber: '', qualityRating: 'UNKNOWN', status: null },
      whatsAppBusinessAccount: { metaId: IDS.waba.acmeMain, ownership: null },
    });
    expect(newcomer.phoneNumber.id).not.toBe(active.phoneNumber.id);
    expect(newcomer.whatsAppBusinessAccount.id).not.toBe(active.whatsAppBusinessAccount.id);

    // What the dashboard renders for the ACTIVE credential, from the cache alone, is unchanged.
    const cached = client.readQuery({ query: CredentialsDoc })!;
    expect(cached.whatsAppApiCredentials.nodes.find((c) => c.id === activeId)).toEqual(active);
    const cachedNumber = (client.cache.extract() as Record<string, unknown>)[client.cache.identify(active.phoneNumber)!];
    expect(cachedNumber).toMatchObject({ displayPhoneNumber: '+15550100001', qualityRating: 'GREEN', status: 'CONNECTED' });
  });
});
