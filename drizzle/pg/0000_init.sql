CREATE TABLE "channel_configuration_checks" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"configuration_id" text NOT NULL,
	"run" integer NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"message" text,
	"remedy" text,
	"checked_at" timestamp (3) with time zone,
	"position" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_configurations" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"description" text,
	"channel" text NOT NULL,
	"credential_id" text,
	"webhook_id" text,
	"sender_phone_number" text,
	"execution_field" text,
	"marketing_action_ids" jsonb NOT NULL,
	"status" text NOT NULL,
	"status_version" integer NOT NULL,
	"previous_status" text,
	"status_changed_at" timestamp (3) with time zone NOT NULL,
	"status_reason" text,
	"check_run" integer NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "whatsapp_account_blocks" (
	"credential_id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"kind" text NOT NULL,
	"event" text NOT NULL,
	"detail" text NOT NULL,
	"restriction_types" jsonb NOT NULL,
	"until" timestamp (3) with time zone,
	"since" timestamp (3) with time zone NOT NULL,
	"delivery_id" text
);
--> statement-breakpoint
CREATE TABLE "meta_api_calls" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"credential_id" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"http_status" integer,
	"meta_code" integer,
	"fbtrace_id" text,
	"duration_ms" integer NOT NULL,
	"outcome" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "phone_quality_changes" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"credential_id" text NOT NULL,
	"phone_number_id" text NOT NULL,
	"previous_quality_rating" text,
	"quality_rating" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "whatsapp_api_credentials" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"business_account_id" text NOT NULL,
	"waba_id" text NOT NULL,
	"waba_name" text,
	"waba_ownership" text,
	"phone_number_id" text NOT NULL,
	"display_phone_number" text,
	"verified_name" text,
	"quality_rating" text NOT NULL,
	"throughput_level" text NOT NULL,
	"messages_per_second" integer,
	"messaging_limit_tier" text,
	"phone_status" text,
	"can_send_message" boolean,
	"api_token_enc" text NOT NULL,
	"api_token_last4" text NOT NULL,
	"api_token_type" text,
	"api_token_expires_at" timestamp (3) with time zone,
	"api_token_scopes" jsonb NOT NULL,
	"app_id" text,
	"status" text NOT NULL,
	"previous_status" text,
	"status_message" text,
	"status_version" integer NOT NULL,
	"status_changed_at" timestamp (3) with time zone NOT NULL,
	"warnings" jsonb NOT NULL,
	"phone_number_refreshed_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"sandbox_id" text,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"max_failures" integer NOT NULL,
	"run_at" timestamp (3) with time zone NOT NULL,
	"lease_until" timestamp (3) with time zone,
	"lease_owner" text,
	"heartbeat_at" timestamp (3) with time zone,
	"last_error" text,
	"dedupe_key" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"finished_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"sandbox_id" text NOT NULL,
	"role" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"label" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"last_used_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone,
	CONSTRAINT "api_keys_prefix_unique" UNIQUE("prefix"),
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"sandbox_id" text NOT NULL,
	"api_key_id" text,
	"actor" text NOT NULL,
	"role" text NOT NULL,
	"action" text NOT NULL,
	"object_type" text,
	"object_id" text,
	"outcome" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"entitlements" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "organizations_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "sandboxes" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "profiles" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"attributes" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_general_settings" (
	"sandbox_id" text PRIMARY KEY NOT NULL,
	"whatsapp_execution_field" text NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "marketing_actions" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"consent_policy" jsonb,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"webhook_id" text NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL,
	"body" "bytea" NOT NULL,
	"body_sha256" text NOT NULL,
	"changes" integer,
	"outcome" text NOT NULL,
	"detail" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"processed_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "whatsapp_webhooks" (
	"id" text PRIMARY KEY NOT NULL,
	"sandbox_id" text NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"credential_id" text NOT NULL,
	"path_id" text NOT NULL,
	"verify_token_enc" text NOT NULL,
	"verify_token_hash" text NOT NULL,
	"verify_token_last4" text NOT NULL,
	"app_secret_enc" text NOT NULL,
	"app_secret_last4" text NOT NULL,
	"keyword_rules" jsonb NOT NULL,
	"secret_version" integer DEFAULT 1 NOT NULL,
	"verified_at" timestamp (3) with time zone,
	"last_event_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "channel_configuration_checks" ADD CONSTRAINT "channel_configuration_checks_configuration_id_channel_configurations_id_fk" FOREIGN KEY ("configuration_id") REFERENCES "public"."channel_configurations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_configurations" ADD CONSTRAINT "channel_configurations_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_configurations" ADD CONSTRAINT "channel_configurations_credential_id_whatsapp_api_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."whatsapp_api_credentials"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_configurations" ADD CONSTRAINT "channel_configurations_webhook_id_whatsapp_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."whatsapp_webhooks"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_account_blocks" ADD CONSTRAINT "whatsapp_account_blocks_credential_id_whatsapp_api_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."whatsapp_api_credentials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meta_api_calls" ADD CONSTRAINT "meta_api_calls_credential_id_whatsapp_api_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."whatsapp_api_credentials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_quality_changes" ADD CONSTRAINT "phone_quality_changes_credential_id_whatsapp_api_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."whatsapp_api_credentials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_api_credentials" ADD CONSTRAINT "whatsapp_api_credentials_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sandboxes" ADD CONSTRAINT "sandboxes_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profiles" ADD CONSTRAINT "profiles_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_general_settings" ADD CONSTRAINT "channel_general_settings_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "marketing_actions" ADD CONSTRAINT "marketing_actions_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_whatsapp_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."whatsapp_webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_webhooks" ADD CONSTRAINT "whatsapp_webhooks_sandbox_id_sandboxes_id_fk" FOREIGN KEY ("sandbox_id") REFERENCES "public"."sandboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_webhooks" ADD CONSTRAINT "whatsapp_webhooks_credential_id_whatsapp_api_credentials_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."whatsapp_api_credentials"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "channel_configuration_checks_run_name_unique" ON "channel_configuration_checks" USING btree ("configuration_id","run","name");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_configurations_sandbox_name_unique" ON "channel_configurations" USING btree ("sandbox_id","name_key");--> statement-breakpoint
CREATE INDEX "channel_configurations_sandbox_idx" ON "channel_configurations" USING btree ("sandbox_id","id");--> statement-breakpoint
CREATE INDEX "channel_configurations_credential_idx" ON "channel_configurations" USING btree ("credential_id");--> statement-breakpoint
CREATE INDEX "channel_configurations_webhook_idx" ON "channel_configurations" USING btree ("webhook_id");--> statement-breakpoint
CREATE INDEX "meta_api_calls_credential_idx" ON "meta_api_calls" USING btree ("credential_id","id");--> statement-breakpoint
CREATE INDEX "phone_quality_changes_credential_idx" ON "phone_quality_changes" USING btree ("credential_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "whatsapp_api_credentials_sandbox_name_unique" ON "whatsapp_api_credentials" USING btree ("sandbox_id","name_key");--> statement-breakpoint
CREATE INDEX "whatsapp_api_credentials_sandbox_idx" ON "whatsapp_api_credentials" USING btree ("sandbox_id","id");--> statement-breakpoint
CREATE INDEX "whatsapp_api_credentials_phone_idx" ON "whatsapp_api_credentials" USING btree ("sandbox_id","phone_number_id");--> statement-breakpoint
CREATE INDEX "whatsapp_api_credentials_status_idx" ON "whatsapp_api_credentials" USING btree ("status");--> statement-breakpoint
CREATE INDEX "jobs_ready_idx" ON "jobs" USING btree ("status","kind","run_at");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_active_dedupe_unique" ON "jobs" USING btree ("dedupe_key") WHERE "jobs"."dedupe_key" IS NOT NULL AND "jobs"."status" IN ('queued', 'running');--> statement-breakpoint
CREATE INDEX "api_keys_sandbox_idx" ON "api_keys" USING btree ("sandbox_id");--> statement-breakpoint
CREATE INDEX "audit_log_sandbox_idx" ON "audit_log" USING btree ("sandbox_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "sandboxes_org_name_unique" ON "sandboxes" USING btree ("organization_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "profiles_sandbox_profile_id_unique" ON "profiles" USING btree ("sandbox_id","profile_id");--> statement-breakpoint
CREATE UNIQUE INDEX "marketing_actions_sandbox_key_unique" ON "marketing_actions" USING btree ("sandbox_id","key");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_webhook_idx" ON "webhook_deliveries" USING btree ("webhook_id","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_hash_idx" ON "webhook_deliveries" USING btree ("webhook_id","body_sha256","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_pending_idx" ON "webhook_deliveries" USING btree ("id") WHERE "webhook_deliveries"."outcome" = 'PENDING';--> statement-breakpoint
CREATE UNIQUE INDEX "whatsapp_webhooks_sandbox_name_unique" ON "whatsapp_webhooks" USING btree ("sandbox_id","name_key");--> statement-breakpoint
CREATE UNIQUE INDEX "whatsapp_webhooks_path_unique" ON "whatsapp_webhooks" USING btree ("path_id");--> statement-breakpoint
CREATE INDEX "whatsapp_webhooks_sandbox_idx" ON "whatsapp_webhooks" USING btree ("sandbox_id","id");--> statement-breakpoint
CREATE INDEX "whatsapp_webhooks_credential_idx" ON "whatsapp_webhooks" USING btree ("credential_id");