ALTER TABLE "channel_configurations" ALTER COLUMN "marketing_action_ids" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "whatsapp_account_blocks" ALTER COLUMN "restriction_types" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "whatsapp_api_credentials" ALTER COLUMN "api_token_scopes" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "whatsapp_api_credentials" ALTER COLUMN "warnings" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "pending_statuses" ALTER COLUMN "errors" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "tracking_events" ALTER COLUMN "detail" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "whatsapp_messages" ALTER COLUMN "template" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "jobs" ALTER COLUMN "payload" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "organizations" ALTER COLUMN "entitlements" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "organizations" ALTER COLUMN "entitlements" SET DEFAULT '[]'::json;--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "attributes" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "message_batches" ALTER COLUMN "content" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "marketing_actions" ALTER COLUMN "consent_policy" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "whatsapp_webhooks" ALTER COLUMN "keyword_rules" SET DATA TYPE json;