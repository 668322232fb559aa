from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "custodian.policy"
    label = "policy"

    def ready(self):
        # Load and validate at start-up: a bad policy file stops the app with an error naming the problem.
        from custodian.policy.loader import current_policy

        current_policy()
