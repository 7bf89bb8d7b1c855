import type { ErrorCode } from '../core/errors.js';
import { DomainError } from '../platform/errors.js';

/** Why a template send was refused before it reached Meta. */
export const TEMPLATE_PROBLEMS = ['NOT_FOUND', 'NOT_APPROVED', 'PAUSED', 'REJECTED', 'DISABLED', 'MARKETING_NOT_ALLOWED'] as const;
export type TemplateProblem = (typeof TEMPLATE_PROBLEMS)[number];

/**
 * A template that cannot be sent as asked, whatever the parameters: Meta does
 * not have it, it is not APPROVED (PAUSED, REJECTED, DISABLED, PENDING …), or
 * it is a MARKETING template and the configuration carries no marketing action.
 */
export class TemplateRefusedError extends DomainError {
  readonly code: ErrorCode;
  constructor(
    message: string,
    readonly details: {
      problem: TemplateProblem;
      templateName: string;
      languageCode: string;
      templateStatus: string | null;
      category: string | null;
    },
  ) {
    super(message);
    this.name = 'TemplateRefusedError';
    this.code = details.problem === 'NOT_FOUND' ? 'NOT_FOUND' : 'INVALID_STATE';
  }
}
